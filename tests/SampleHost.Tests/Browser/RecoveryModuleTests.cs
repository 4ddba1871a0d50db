using System.Diagnostics;

namespace SampleHost.Tests.Browser;

/// <summary>
/// The page's recovery module (wwwroot/js/recovery.js) unit-tested with Node's built-in runner: ordering, dedupe,
/// gap Resume, reloads. The cases are in recovery.test.mjs next to this file; a failing case fails this test with
/// Node's report.
/// </summary>
public sealed class RecoveryModuleTests
{
    [Fact]
    public async Task OrderingDedupeResumeAndReloadCasesPassUnderNodeTest()
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "tests", "SampleHost.Tests", "Browser", "recovery.test.mjs");
        File.Exists(script).Should().BeTrue($"the cases are in {script}");

        var start = new ProcessStartInfo("node", ["--test", script])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process? node;
        try
        {
            node = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("This test needs Node.js 20 or later on PATH (`node`), the same Node the sample's build uses for npm.", exception);
        }

        using var process = node!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var report = await output + await errors;

        process.ExitCode.Should().Be(0, report);
        report.Should().Contain("# fail 0").And.NotContain("# pass 0");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TenantRealtime.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No TenantRealtime.sln above {AppContext.BaseDirectory}.");
    }
}
