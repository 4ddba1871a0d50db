using System.Diagnostics;

namespace TenantRealtime.Testing;

/// <summary>Runs a Node.js script of the tests (the official JavaScript clients live there) and returns its last output line.</summary>
public static class NodeScript
{
    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node", [script, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("This test needs Node.js 20 or later on PATH (`node`) and `npm ci` in samples/SampleHost (./test.sh runs it).", exception);
        }

        using var process = started!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var (stdout, stderr) = (await output.ConfigureAwait(false), await errors.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {Path.GetFileName(script)} exited with {process.ExitCode}:{Environment.NewLine}{stdout}{stderr}");
        }

        return stdout.TrimEnd().Split('\n')[^1];
    }
}
