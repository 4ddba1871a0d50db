using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace TenantRealtime.Testing;

/// <summary>
/// One process of a Redis binary (<c>redis-server</c>, <c>redis-cli</c>) with its last lines of output kept for
/// error messages. A missing binary is an <see cref="InvalidOperationException"/> carrying the install hint, so a
/// machine without Redis fails its tests instead of passing by running nothing.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    /// <summary>Both binaries come from Debian's redis-server package (redis-cli through its redis-tools dependency).</summary>
    public const string InstallCommand = "apt-get install -y redis-server";

    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private RedisProcess(Process process)
    {
        _process = process;
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Gets the last lines the process wrote (standard output and error, interleaved).</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public static RedisProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException(InstallHint(fileName));
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(InstallHint(fileName), ex);
        }

        var started = new RedisProcess(process);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public static string InstallHint(string fileName) => $"{fileName} was not found on PATH. Install it with: {InstallCommand}";

    /// <summary>Waits until the process ends by itself; false when it is still running at the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the process (a crash, as far as its clients can tell) and waits until it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }
}
