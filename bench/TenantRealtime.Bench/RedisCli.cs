using System.ComponentModel;
using System.Diagnostics;

namespace TenantRealtime.Bench;

/// <summary>
/// Runs <c>redis-cli</c>, which ships with redis-server: the harness sets up and watches its local Redis with it
/// rather than with a Redis client of its own.
/// </summary>
internal static class RedisCli
{
    /// <summary>Runs <c>redis-cli</c> with <paramref name="args"/>; returns its exit code and its output (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-cli.");
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("redis-cli was not found; it comes with redis-server (apt-get install redis-server).");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"redis-cli {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s.");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> against the node on <paramref name="port"/> until its answer satisfies
    /// <paramref name="ready"/>; fails if the node exits or <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task WaitUntilAsync(Child node, int port, string[] command, Func<string, bool> ready, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = string.Empty;
        while (clock.Elapsed < timeout)
        {
            if (node.Exited)
            {
                throw new InvalidOperationException($"redis-server on port {port} exited during start-up (see its output above; BENCH_VERBOSE=1 shows it all).");
            }

            var (exitCode, output) = await RunAsync(["-h", "127.0.0.1", "-p", $"{port}", .. command], TimeSpan.FromSeconds(10));
            if (exitCode == 0 && ready(output))
            {
                return;
            }

            last = output.Trim();
            await Task.Delay(100);
        }

        throw new TimeoutException($"redis-server on port {port} was not ready within {timeout.TotalSeconds:0} s ({string.Join(' ', command)}: {last}).");
    }
}
