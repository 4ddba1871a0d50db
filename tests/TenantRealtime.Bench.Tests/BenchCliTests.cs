using System.Text.Json;
using static TenantRealtime.Bench.Tests.BenchCli;

namespace TenantRealtime.Bench.Tests;

/// <summary>
/// The benchmark is a tool, not a test: these only check that the CLI runs end to end (servers and load client as
/// separate processes) with a tiny load and writes a JSON with every required key and sane values. No timing
/// assertions: this machine is shared.
/// </summary>
public sealed class BenchCliTests
{
    internal static readonly string[] RequiredKeys =
    [
        "target", "scenario", "connections", "tenants", "rate", "durationS", "deliveredPerSec", "p50Ms", "p99Ms",
        "p999Ms", "serverCpuUsPerMsg", "serverRssMb", "kbPerConnection", "heapKbPerConnection", "connectPerSec", "errors", "machine",
    ];

    // slow-consumer's own: the readers' offered rate, the broadcast calls until they completed, the stalled readers.
    private static readonly string[] SlowConsumerKeys =
    [
        "offeredPerSec", "broadcastCalls", "broadcastCallP50Ms", "broadcastCallP99Ms", "broadcastCallMaxMs", "stalled",
        "stalledConnected", "stalledClosed", "stalledClosedAfterS", "skippedDeliveries",
    ];

    [Theory]
    [InlineData("tenantrealtime")]
    [InlineData("signalr")]
    public async Task A_tiny_tenant_fanout_run_writes_every_required_key(string target)
    {
        var json = await RunAsync(target, "tenant-fanout");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        foreach (var key in RequiredKeys)
        {
            run.TryGetProperty(key, out _).Should().BeTrue($"the run JSON must have '{key}'");
        }

        run.GetProperty("target").GetString().Should().Be(target);
        run.GetProperty("client").GetString().Should().Be("dotnet");
        run.GetProperty("scenario").GetString().Should().Be("tenant-fanout");
        run.GetProperty("connections").GetInt32().Should().Be(20);
        run.GetProperty("tenants").GetInt32().Should().Be(2);
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("errors").GetInt64().Should().Be(0);

        // 400 deliveries/s for 2 s over 2 tenants of 10; a loaded machine may still have a few in flight at the end.
        var expected = run.GetProperty("expectedDeliveries").GetInt64();
        run.GetProperty("delivered").GetInt64().Should().BeInRange(expected * 9 / 10, expected).And.BeGreaterThan(0);
        run.GetProperty("deliveredPerSec").GetDouble().Should().BeInRange(100, 1000);
        var p50 = run.GetProperty("p50Ms").GetDouble();
        var p99 = run.GetProperty("p99Ms").GetDouble();
        var p999 = run.GetProperty("p999Ms").GetDouble();
        p50.Should().BeGreaterThan(0);
        p99.Should().BeGreaterThanOrEqualTo(p50);
        p999.Should().BeGreaterThanOrEqualTo(p99);
        run.GetProperty("serverCpuUsPerMsg").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("serverRssMb").GetDouble().Should().BeInRange(10, 4096);
        run.GetProperty("connectPerSec").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("kbPerConnection").ValueKind.Should().Be(JsonValueKind.Number);

        // The producer's figures: the synchronous part of a broadcast by wall clock and by thread CPU time, and the
        // thread-pool work items each delivered message cost.
        run.GetProperty("sendUsPerBroadcast").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("sendCpuUsPerBroadcast").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("workItemsPerMsg").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        run.GetProperty("broadcastsPerHalfSecond").GetArrayLength().Should().BeGreaterThan(0);

        // --settle-rounds 0: the warm-up is the --warmup period alone.
        run.GetProperty("warmup").GetProperty("settleRounds").GetInt32().Should().Be(0);

        var machine = run.GetProperty("machine");
        machine.GetProperty("cores").GetInt32().Should().Be(Environment.ProcessorCount);
        machine.GetProperty("runtime").GetString().Should().StartWith(".NET");
    }

    [Fact]
    public async Task A_tiny_run_driven_by_the_node_signalr_client_delivers_without_errors()
    {
        // The Node @microsoft/signalr client against a .NET target (npm ci of bench/peers on first use).
        var json = await RunAsync("signalr", "tenant-fanout", "--client", "node", "--rate", "500", "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("client").GetString().Should().Be("node");
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("delivered").GetInt64().Should().BeGreaterThan(0);
        run.GetProperty("p50Ms").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("errors").GetInt64().Should().Be(0);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("dotnet")]
    public async Task Connects_refused_by_connect_admission_are_retried_and_reported_apart_from_errors(string client)
    {
        // The server admits 5 new connections per second and holds a second's worth: of the cell's 20, most are
        // refused with 429 at first (on the WebSocket upgrade: both clients skip negotiation) and get in on a retry.
        var (json, stdout) = await RunWithOutputAsync("tenantrealtime", "tenant-fanout", "--client", client, "--profile", "admission-5", "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("refused").GetInt64().Should().BeGreaterThan(0);
        run.GetProperty("errors").GetInt64().Should().Be(0);
        run.GetProperty("delivered").GetInt64().Should().BeGreaterThan(0);
        stdout.Should().Contain("refused");
    }

    [Fact]
    public async Task A_rate_search_steps_up_to_the_highest_rate_it_may_try_and_reports_it_as_sustained()
    {
        // A generous latency bound and a low ceiling: every step of 200, 400, 600 deliveries/s is kept.
        var json = await RunAsync(
            "tenantrealtime", "tenant-fanout", "--rate", "max", "--start-rate", "200", "--rate-step", "200", "--max-rate", "600",
            "--max-p99-ms", "10000", "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("rate").GetString().Should().Be("max");
        run.GetProperty("sustainedRate").GetDouble().Should().Be(600);
        var steps = run.GetProperty("search").GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("rate").GetDouble()).Should().Equal(200, 400, 600);
        steps.Should().OnlyContain(s => s.GetProperty("sustained").GetBoolean());

        // The run's own figures are those of the sustained step.
        run.GetProperty("deliveredPerSec").GetDouble().Should().BeInRange(300, 700);
        run.GetProperty("errors").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_rate_search_stops_after_two_steps_in_a_row_that_miss_the_latency_bound()
    {
        // No delivery is ever within a microsecond: nothing is sustained, and the search gives up after two steps.
        var json = await RunAsync(
            "signalr", "tenant-fanout", "--rate", "max", "--start-rate", "200", "--rate-step", "200", "--max-p99-ms", "0.001",
            "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("sustainedRate").ValueKind.Should().Be(JsonValueKind.Null);
        var steps = run.GetProperty("search").GetProperty("steps").EnumerateArray().ToList();
        steps.Should().HaveCount(2);
        steps.Should().OnlyContain(s => !s.GetProperty("sustained").GetBoolean() && s.GetProperty("lost").GetInt64() == 0);
    }

    [Fact]
    public async Task The_warm_up_goes_on_in_rounds_while_the_JIT_compiles_and_reports_them()
    {
        // A new server and client compile hundreds of methods in their first seconds: with up to 2 rounds allowed,
        // a 1 s first period is never enough, so the warm-up runs at least one round and reports what it compiled.
        var json = await RunAsync("tenantrealtime", "tenant-fanout", "--settle-rounds", "2", "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var warmup = document.RootElement.GetProperty("warmup");
        warmup.GetProperty("settleRounds").GetInt32().Should().BeInRange(1, 2);
        warmup.GetProperty("lastRoundJitMethods").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        warmup.GetProperty("seconds").GetDouble().Should().BeGreaterThan(3);
        document.RootElement.GetProperty("jitMethods").GetDouble().Should().BeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData("tenantrealtime")]
    [InlineData("signalr")]
    public async Task A_tiny_slow_consumer_run_reports_the_neighbours_the_broadcast_calls_and_the_stalled_readers(string target)
    {
        // 2 of the 20 connections (one per tenant) stop reading after their handshake. The fields are checked, not
        // their values: bare SignalR's calls are meant to wait once a stalled reader's buffers fill (the comparison).
        var (json, stdout) = await RunWithOutputAsync(target, "slow-consumer", "--stalled-per-tenant", "1", "--payload-bytes", "64");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        foreach (var key in RequiredKeys.Concat(SlowConsumerKeys))
        {
            run.TryGetProperty(key, out _).Should().BeTrue($"the slow-consumer run JSON must have '{key}'");
        }

        run.GetProperty("scenario").GetString().Should().Be("slow-consumer");
        run.GetProperty("payloadBytes").GetInt32().Should().Be(64);

        // The harness set the scenario up: 2 stalled readers completed their handshake, the load client holds the 18 others.
        run.GetProperty("stalled").GetInt32().Should().Be(2);
        run.GetProperty("stalledConnected").GetInt32().Should().Be(2);
        run.GetProperty("connected").GetInt32().Should().Be(18);
        run.GetProperty("offeredPerSec").GetDouble().Should().Be(400);
        run.GetProperty("broadcastCalls").GetInt64().Should().Be(run.GetProperty("broadcasts").GetInt64());
        foreach (var key in (string[])["broadcastCallP50Ms", "broadcastCallP99Ms", "broadcastCallMaxMs", "stalledClosed"])
        {
            run.GetProperty(key).ValueKind.Should().Be(JsonValueKind.Number, key);
        }

        // The printed table has the scenario's columns.
        stdout.Should().Contain("offered/s").And.Contain("call p99 ms").And.Contain("call max ms").And.Contain("closed");
    }

    [Fact]
    public async Task Socketio_skips_the_slow_consumer_scenario_with_a_message_and_writes_no_json()
    {
        // Its Node peer has no stalled reader: the run says so and succeeds, so a compare.sh session goes on.
        var output = Path.Combine(Path.GetTempPath(), $"tenantrealtime-bench-{Guid.NewGuid():N}.json");
        var (exitCode, _, stderr) = await RunCliAsync(["--target", "socketio", "--scenario", "slow-consumer", "--connections", "20", "--tenants", "2", "--json", output]);
        exitCode.Should().Be(0);
        stderr.Should().Contain("skipped socketio");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public async Task A_tiny_connect_storm_reports_a_connect_rate()
    {
        var json = await RunAsync("tenantrealtime", "connect-storm");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("connects").GetInt64().Should().BeGreaterThanOrEqualTo(20);
        run.GetProperty("connectPerSec").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("errors").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_tiny_reconnect_storm_brings_every_client_back_and_resumes_each_from_its_position()
    {
        var json = await RunAsync("tenantrealtime", "reconnect-storm");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("stormClients").GetInt64().Should().Be(20);
        run.GetProperty("stormBack").GetInt64().Should().Be(20);

        // The warm-up gave every connection a position in its tenant's room; nothing was lost, so all recover.
        run.GetProperty("stormRecovered").GetInt64().Should().Be(20);
        run.GetProperty("stormReloaded").GetInt64().Should().Be(0);
        run.GetProperty("stormSeconds").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("stormPeakRssMb").GetDouble().Should().BeGreaterThanOrEqualTo(run.GetProperty("stormRssBeforeMb").GetDouble());
        run.GetProperty("errors").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_tiny_run_records_gc_pauses_per_generation_and_the_thread_pool_queue()
    {
        var json = await RunAsync("tenantrealtime", "tenant-fanout");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("serverGcPauses").EnumerateArray().Select(g => g.GetProperty("generation").GetInt32()).Should().Equal(0, 1, 2);
        run.GetProperty("serverGcMaxPauseMs").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        run.GetProperty("threadPoolQueueMax").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        run.GetProperty("threadPoolQueueMean").GetDouble().Should().BeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData("tenantrealtime", "dotnet")]
    [InlineData("signalr", "node")]
    [InlineData("socketio", "node")]
    public async Task A_tiny_run_spreads_client_sockets_over_loopback_source_addresses_when_told(string target, string client)
    {
        // Cells past one address's ephemeral ports need this; here 3 addresses for 20 connections, which must all connect.
        var json = await RunAsync(target, "tenant-fanout", "--client", client, "--source-addresses", "3", "--rate", "500", "--duration", "1");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;
        run.GetProperty("sourceAddresses").GetInt32().Should().Be(3);
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("delivered").GetInt64().Should().BeGreaterThan(0);
        run.GetProperty("errors").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_cell_larger_than_the_open_file_hard_limit_is_refused_up_front_with_the_numbers()
    {
        // Linux tells every process its limits; the test's own hard limit is the one the harness inherits.
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var hard = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, stderr) = await RunCliAsync(["--target", "signalr", "--connections", $"{hard}", "--tenants", "10", "--duration", "1"]);

        exitCode.Should().NotBe(0);
        stderr.Should().Contain($"hard limit (ulimit -Hn) of {hard:N0}").And.NotContain("   at ");
    }
}
