using System.Diagnostics;

namespace TenantRealtime.Bench.Tests;

/// <summary>Runs the bench CLI (its built output, as a separate process) with a tiny load.</summary>
internal static class BenchCli
{
    /// <summary>Runs the CLI; <paramref name="extra"/> arguments come last, so they override the tiny defaults.</summary>
    public static async Task<string> RunAsync(string target, string scenario, params string[] extra) =>
        (await RunWithOutputAsync(target, scenario, extra)).Json;

    /// <summary>Runs the CLI as <see cref="RunAsync"/> does; returns the run JSON and the printed table.</summary>
    public static async Task<(string Json, string Stdout)> RunWithOutputAsync(string target, string scenario, params string[] extra)
    {
        var output = Path.Combine(Path.GetTempPath(), $"tenantrealtime-bench-{Guid.NewGuid():N}.json");
        string[] arguments =
        [
            "--target", target, "--scenario", scenario, "--connections", "20", "--tenants", "2",
            "--rate", "400", "--duration", "2", "--warmup", "1", "--settle-rounds", "0", "--json", output, .. extra,
        ];
        var (exitCode, stdout, stderr) = await RunCliAsync(arguments);
        exitCode.Should().Be(0, $"the bench CLI must succeed.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        File.Exists(output).Should().BeTrue();
        var json = await File.ReadAllTextAsync(output);
        File.Delete(output);
        return (json, stdout);
    }

    /// <summary>Runs the bench CLI with <paramref name="arguments"/>, at most 3 minutes.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(string[] arguments)
    {
        var (dll, root) = Locate();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the bench CLI did not finish in 3 minutes.\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static (string Dll, string Root) Locate()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        var root = baseDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TenantRealtime.sln")))
        {
            root = root.Parent;
        }

        root.Should().NotBeNull("the test runs from inside the repository");
        var dll = Path.Combine(root!.FullName, "bench", "TenantRealtime.Bench", "bin", configuration, tfm, "TenantRealtime.Bench.dll");
        File.Exists(dll).Should().BeTrue($"the bench CLI is built by the project reference: {dll}");
        return (dll, root.FullName);
    }
}
