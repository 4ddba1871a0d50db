using System.Collections.Concurrent;
using System.Diagnostics;
using FluentAssertions;

namespace TenantRealtime.Testing;

/// <summary>
/// A TenantRealtime.TestHost server run as a child process (directly, or under a launcher such as <c>prlimit</c>):
/// its output collected, its address read from the <c>listening …</c> line it prints, killed by its handle when
/// disposed, so no server outlives a test whatever its outcome.
/// </summary>
public sealed class TestHostChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestHostChild(Process process) => _process = process;

    public Uri BaseAddress => _listening.Task.Result;

    public Uri HubUrl => new(BaseAddress, RealtimeNode.HubPath);

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote, stdout and stderr, in arrival order.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The host's build output, next to the running test assembly's (same configuration and framework).</summary>
    public static string HostDll
    {
        get
        {
            var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(RepositoryPaths.Root, "tests", "TenantRealtime.TestHost", "bin", baseDirectory.Parent!.Name, baseDirectory.Name, "TenantRealtime.TestHost.dll");
            File.Exists(dll).Should().BeTrue($"the test host is built by the project reference: {dll}");
            return dll;
        }
    }

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/> and waits until the host listens.</summary>
    /// <param name="name">The host's name in error messages.</param>
    /// <param name="file">What to run: <c>dotnet</c>, or a launcher that execs it.</param>
    /// <param name="arguments">Its arguments (include <see cref="HostDll"/>).</param>
    /// <param name="redirectInput">Keeps the child's standard input open, for hosts that stop when it closes.</param>
    public static async Task<TestHostChild> StartAsync(string name, string file, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var host = new TestHostChild(Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start."));
        host._process.OutputDataReceived += (_, e) => host.Receive(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        host._process.EnableRaisingEvents = true;
        host._process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException($"Test host {name} exited before it listened:\n{host.Output}"));
        try
        {
            await host._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"Test host {name} did not listen within 30 s:\n{host.Output}", ex);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>SIGKILL: the process ends at once, with whatever it held in memory.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// Completes once a line of the child's output contains <paramref name="text"/>: its console logger writes on a
    /// thread of its own, so a line can arrive after what it logs has been observed from outside.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((text, seen));
        }

        if (_output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            seen.TrySetResult();
        }

        try
        {
            await seen.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The test host wrote no line containing '{text}' within {timeout}:\n{Output}");
        }
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        lock (_waiters)
        {
            foreach (var (text, seen) in _waiters)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }

        if (line.StartsWith("listening ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["listening ".Length..]));
        }
    }
}
