using System.Text.Json;
using static TenantRealtime.Bench.Tests.BenchCli;

namespace TenantRealtime.Bench.Tests;

/// <summary>
/// The Redis targets (issue 18): N servers on one redis-server, the same on a local 3-master Redis Cluster, and the
/// bare hub on SignalR's own Redis backplane. Tiny runs with real redis-server processes (a missing redis-server fails
/// the run, and so the test); the fields are checked, not their values.
/// </summary>
public sealed class ScaleOutRunTests
{
    private static readonly string[] ScaleOutKeys = ["servers", "redisNodes", "serverCpuUsPerMsgEach", "redisCpuUsPerMsg", "redisRssMb"];

    [Theory]
    [InlineData("tenantrealtime-redis", null, 2, 1)]
    [InlineData("tenantrealtime-redis", "3", 3, 1)]
    [InlineData("tenantrealtime-redis-cluster", null, 2, 3)]
    [InlineData("signalr-redis", null, 2, 1)]
    public async Task A_tiny_run_on_redis_delivers_to_every_server_and_reports_each_server_and_every_redis_node(string target, string? servers, int expectedServers, int expectedNodes)
    {
        var clusterDirs = ClusterDirectories();
        var (json, stdout) = await RunWithOutputAsync(target, "tenant-fanout", servers is null ? [] : ["--servers", servers]);
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        foreach (var key in BenchCliTests.RequiredKeys.Concat(ScaleOutKeys))
        {
            run.TryGetProperty(key, out _).Should().BeTrue($"the run JSON must have '{key}'");
        }

        run.GetProperty("target").GetString().Should().Be(target);
        run.GetProperty("servers").GetInt32().Should().Be(expectedServers);
        run.GetProperty("redisNodes").GetInt32().Should().Be(expectedNodes);
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("errors").GetInt64().Should().Be(0);

        // Connections are split over the servers and broadcasts issued on the first: every recipient, whichever server
        // holds it, gets them through Redis (a loaded machine may still have a few in flight at the end).
        var expected = run.GetProperty("expectedDeliveries").GetInt64();
        run.GetProperty("delivered").GetInt64().Should().BeInRange(expected * 9 / 10, expected).And.BeGreaterThan(0);

        // Server CPU is every server's, and each one's share is reported beside it (/proc counts in 10 ms ticks, so a
        // server may show none in a tiny run; their sum may not).
        var each = run.GetProperty("serverCpuUsPerMsgEach").EnumerateArray().Select(e => e.GetDouble()).ToList();
        each.Should().HaveCount(expectedServers).And.OnlyContain(cpu => cpu >= 0);
        each.Sum().Should().BeGreaterThan(0);
        run.GetProperty("serverCpuUsPerMsg").GetDouble().Should().BeApproximately(each.Sum(), 0.01 * (expectedServers + 1));

        // Redis CPU and memory are summed over every redis-server of the run.
        run.GetProperty("redisCpuUsPerMsg").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        run.GetProperty("redisRssMb").GetDouble().Should().BeInRange(0.5 * expectedNodes, 4096);
        run.GetProperty("heapKbPerConnection").ValueKind.Should().Be(JsonValueKind.Number);
        stdout.Should().Contain("redis CPU µs/msg").And.Contain("servers");

        // Each Redis command of the window, from INFO commandstats: TenantRealtime numbers with a script, SignalR publishes.
        var commands = run.GetProperty("redisCommands");
        var command = target.StartsWith("tenantrealtime", StringComparison.Ordinal) ? "evalsha" : "publish";
        commands.TryGetProperty(command, out var stats).Should().BeTrue($"{target} calls {command}: {commands}");
        stats.GetProperty("calls").GetInt64().Should().BeGreaterThan(0);
        stats.GetProperty("callsPerBroadcast").GetDouble().Should().BeInRange(0.001, 1.0, "one call numbers one broadcast or several (group commit)");
        run.GetProperty("serverAllocBytesPerMsg").GetDouble().Should().BeGreaterThan(0, "every .NET server reports what it allocated");

        // The cluster's nodes wrote their nodes.conf in a temporary directory, deleted with the run.
        ClusterDirectories().Except(clusterDirs).Should().BeEmpty();
    }

    [Fact]
    public async Task A_run_without_redis_reports_no_redis_figures()
    {
        var json = await RunAsync("tenantrealtime", "tenant-fanout", "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("servers").GetInt32().Should().Be(1);
        run.GetProperty("redisNodes").GetInt32().Should().Be(0);
        run.GetProperty("redisCpuUsPerMsg").ValueKind.Should().Be(JsonValueKind.Null);
        run.GetProperty("redisRssMb").ValueKind.Should().Be(JsonValueKind.Null);
        run.GetProperty("serverCpuUsPerMsgEach").GetArrayLength().Should().Be(1);
    }

    [Theory]
    [InlineData("tenantrealtime", "2", "--servers needs a Redis target")]
    [InlineData("signalr", "3", "--servers needs a Redis target")]
    [InlineData("tenantrealtime-redis", "0", "--servers must be between 1 and")]
    [InlineData("signalr-redis", "9", "--servers must be between 1 and")]
    public async Task Servers_is_refused_for_a_target_without_redis_or_out_of_range(string target, string servers, string message)
    {
        var (exitCode, _, stderr) = await RunCliAsync(["--target", target, "--servers", servers, "--connections", "20"]);
        exitCode.Should().Be(2);
        stderr.Should().Contain(message).And.Contain("--servers 2");
    }

    [Fact]
    public async Task The_report_keys_runs_by_server_count_and_shows_the_redis_cpu()
    {
        // Two runs of tenantrealtime-redis without a label (not from compare.sh), one on 2 servers, one on 3: never a
        // median of one another.
        var dir = Directory.CreateTempSubdirectory("tenantrealtime-bench-report-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "a.json"), Run("tenantrealtime-redis", servers: 2, cpu: 30, redisCpu: 4));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "b.json"), Run("tenantrealtime-redis", servers: 3, cpu: 45, redisCpu: 6.5));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "c.json"), Run("tenantrealtime", servers: 1, cpu: 20, redisCpu: null));
            var (exitCode, stdout, stderr) = await RunCliAsync(["report", "--dir", dir.FullName, "--baseline", "tenantrealtime"]);
            exitCode.Should().Be(0, stderr);

            var rows = stdout.Split('\n').Where(l => l.StartsWith("| tenantrealtime", StringComparison.Ordinal)).ToList();
            rows.Should().HaveCount(3);
            stdout.Should().Contain("| redis CPU µs/msg |");
            rows.Should().ContainSingle(r => r.StartsWith("| tenantrealtime-redis | 20000 |", StringComparison.Ordinal) && r.Contains("| 30.00 | 4.00 |", StringComparison.Ordinal));
            rows.Should().ContainSingle(r => r.StartsWith("| tenantrealtime-redis:3 | 20000 |", StringComparison.Ordinal) && r.Contains("| 45.00 | 6.50 |", StringComparison.Ordinal));
            rows.Should().ContainSingle(r => r.StartsWith("| tenantrealtime | 20000 |", StringComparison.Ordinal) && r.Contains("| 20.00 | - |", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Run(string target, int servers, double cpu, double? redisCpu) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["target"] = target,
        ["scenario"] = "tenant-fanout",
        ["connections"] = 1000,
        ["tenants"] = 100,
        ["rate"] = 20000,
        ["servers"] = servers,
        ["deliveredPerSec"] = 20000,
        ["serverCpuUsPerMsg"] = cpu,
        ["redisCpuUsPerMsg"] = redisCpu,
        ["errors"] = 0,
    });

    private static HashSet<string> ClusterDirectories() =>
        [.. Directory.EnumerateDirectories(Path.GetTempPath(), "tenantrealtime-bench-cluster-*")];
}
