using System.Collections.Concurrent;
using System.Diagnostics;

namespace TenantRealtime.Tests.Limits;

/// <summary>
/// The TenantRealtime.TestHost server as a child process of its own, started under <c>prlimit --nofile</c> so its
/// open-file limit is low; on 127.0.0.1 with a port the OS picks. Killed by its handle when disposed.
/// </summary>
internal sealed class TestHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestHostProcess(Process process) => _process = process;

    public Uri BaseAddress => _listening.Task.Result;

    public Uri HubUrl => new(BaseAddress, RealtimeNode.HubPath);

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote, stdout and stderr, in arrival order.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<TestHostProcess> StartAsync(int openFileLimit)
    {
        var prlimit = new[] { "/usr/bin/prlimit", "/bin/prlimit" }.FirstOrDefault(File.Exists);
        prlimit.Should().NotBeNull("util-linux's prlimit sets the child's open-file limit (apt-get install util-linux)");

        var info = new ProcessStartInfo(prlimit!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // prlimit sets the limit (soft and hard) on itself, then execs dotnet: the server is this very process.
        foreach (var argument in new[] { $"--nofile={openFileLimit}:{openFileLimit}", "dotnet", LocateHost() })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var host = new TestHostProcess(Process.Start(info) ?? throw new InvalidOperationException("prlimit did not start."));
        host._process.OutputDataReceived += (_, e) => host.Receive(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        host._process.EnableRaisingEvents = true;
        host._process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException($"The test host exited before it listened:\n{host.Output}"));

        await host._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return host;
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

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.StartsWith("listening ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["listening ".Length..]));
        }
    }

    /// <summary>The host's build output, next to this test assembly's (same configuration and framework).</summary>
    private static string LocateHost()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = baseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TenantRealtime.sln")))
        {
            root = root.Parent;
        }

        root.Should().NotBeNull("the test runs from inside the repository");
        var dll = Path.Combine(root!.FullName, "tests", "TenantRealtime.TestHost", "bin", baseDirectory.Parent!.Name, baseDirectory.Name, "TenantRealtime.TestHost.dll");
        File.Exists(dll).Should().BeTrue($"the test host is built by the project reference: {dll}");
        return dll;
    }
}
