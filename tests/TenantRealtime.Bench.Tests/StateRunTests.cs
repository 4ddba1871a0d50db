using System.Text.Json;
using static TenantRealtime.Bench.Tests.BenchCli;

namespace TenantRealtime.Bench.Tests;

/// <summary>
/// Keyed data (issue 30): state-fanout in state and broadcast mode, a connect storm whose clients load their tenant's
/// keys from the state event or a REST GET, and slow-consumer under a state drive. Tiny runs: the fields are there and
/// sane (deliveries, every client ending with each key's last value, every storm client holding its data), not their
/// values.
/// </summary>
public sealed class StateRunTests
{
    private static readonly string[] KeyedKeys =
    [
        "mode", "keyed", "stateKeys", "changes", "changesPerSec", "offeredDeliveries", "serverCpuUsPerChange", "finalKeys",
        "finalMismatched", "finalConnectionsMismatched", "finalValuesMatched",
    ];

    [Theory]
    [InlineData("state")]
    [InlineData("broadcast")]
    public async Task A_tiny_state_fanout_run_delivers_and_every_client_ends_with_each_keys_last_value(string mode)
    {
        var (json, stdout) = await RunWithOutputAsync("tenantrealtime", "state-fanout", "--mode", mode);
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        foreach (var key in BenchCliTests.RequiredKeys.Concat(KeyedKeys))
        {
            run.TryGetProperty(key, out _).Should().BeTrue($"the state-fanout run JSON must have '{key}'");
        }

        run.GetProperty("mode").GetString().Should().Be(mode);
        run.GetProperty("keyed").GetBoolean().Should().BeTrue();
        run.GetProperty("stateKeys").GetInt32().Should().Be(1);
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("errors").GetInt64().Should().Be(0);
        run.GetProperty("changes").GetInt64().Should().BeGreaterThan(0);
        run.GetProperty("serverCpuUsPerChange").GetDouble().Should().BeGreaterThan(0);

        // The producer's loop alone at the same pace costs something, and is taken off per change.
        run.GetProperty("paceCpuPercent").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("serverCpuUsPerChangeNet").GetDouble().Should().BeLessThan(run.GetProperty("serverCpuUsPerChange").GetDouble());
        var delivered = run.GetProperty("delivered").GetInt64();
        delivered.Should().BeGreaterThan(0);

        // 2 tenants × 1 key, checked on each of the 20 connections: one key per connection.
        run.GetProperty("finalKeys").GetInt64().Should().Be(20);
        run.GetProperty("finalMismatched").GetInt64().Should().Be(0);
        run.GetProperty("finalValuesMatched").GetBoolean().Should().BeTrue();
        if (mode == "broadcast")
        {
            // Every change is a broadcast: each reaches its tenant's connections (a loaded machine may still have a few
            // in flight at the end).
            var offered = run.GetProperty("offeredDeliveries").GetInt64();
            delivered.Should().BeInRange(offered * 9 / 10, offered);
        }
        else
        {
            // 20 changes a second per key against the default bound of 10: some are merged, none beyond the offer.
            delivered.Should().BeLessThanOrEqualTo(run.GetProperty("offeredDeliveries").GetInt64());
        }

        stdout.Should().Contain("CPU µs/change").And.Contain("net of pace").And.Contain("final off");
    }

    [Theory]
    [InlineData("state")]
    [InlineData("rest")]
    public async Task A_tiny_connect_storm_with_state_keys_counts_a_connect_once_the_client_holds_its_tenants_keys(string mode)
    {
        var json = await RunAsync("tenantrealtime", "connect-storm", "--profile", mode, "--state-keys", "50");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        run.GetProperty("mode").GetString().Should().Be(mode);
        run.GetProperty("stateKeys").GetInt32().Should().Be(50);
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("errors").GetInt64().Should().Be(0);
        run.GetProperty("stormIncomplete").GetInt64().Should().Be(0, "every storm client got its whole data");
        var connects = run.GetProperty("connects").GetInt64();
        connects.Should().BeGreaterThan(0);
        run.GetProperty("serverCpuUsPerConnect").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("stormSeconds").GetDouble().Should().BeGreaterThan(0);

        // State: one whole-state event per connect (and per first connect before the storm); REST: none at all.
        var full = run.GetProperty("stormFullStates").GetInt64();
        if (mode == "state")
        {
            full.Should().BeGreaterThanOrEqualTo(connects);
        }
        else
        {
            full.Should().Be(0);
        }
    }

    [Fact]
    public async Task A_tiny_slow_consumer_run_under_a_state_drive_reports_the_backlog_and_the_neighbours_final_values()
    {
        var json = await RunAsync("tenantrealtime", "slow-consumer", "--mode", "state", "--stalled-per-tenant", "1", "--payload-bytes", "64");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        foreach (var key in KeyedKeys.Concat(["sendBacklogPeakKb", "slowConsumerClosed", "stalled", "stalledClosed", "serverPeakRssMb"]))
        {
            run.TryGetProperty(key, out _).Should().BeTrue($"the slow-consumer run JSON must have '{key}'");
        }

        run.GetProperty("mode").GetString().Should().Be("state");
        run.GetProperty("stalled").GetInt32().Should().Be(2);
        run.GetProperty("stalledConnected").GetInt32().Should().Be(2);
        run.GetProperty("connected").GetInt32().Should().Be(18);
        run.GetProperty("delivered").GetInt64().Should().BeGreaterThan(0);
        run.GetProperty("finalKeys").GetInt64().Should().Be(18, "the 18 readers each check their tenant's one key");
        run.GetProperty("finalMismatched").GetInt64().Should().Be(0);
        run.GetProperty("sendBacklogPeakKb").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        run.GetProperty("slowConsumerClosed").GetDouble().Should().BeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData("state refused for the bare hub", "--mode state needs a TenantRealtime target", "--target", "signalr", "--scenario", "state-fanout", "--mode", "state")]
    [InlineData("rest is a storm's load", "--mode rest is a connect-storm's load", "--target", "tenantrealtime", "--scenario", "state-fanout", "--mode", "rest")]
    [InlineData("keys without a mode", "needs both --state-keys N and --mode state or rest", "--target", "tenantrealtime", "--scenario", "connect-storm", "--state-keys", "10")]
    [InlineData("a mode and a profile that disagree", "contradicts the profile", "--target", "tenantrealtime", "--scenario", "state-fanout", "--mode", "state", "--profile", "broadcast")]
    [InlineData("the Node client", "driven by the .NET client", "--target", "tenantrealtime", "--scenario", "state-fanout", "--client", "node")]
    public async Task Keyed_options_that_cannot_run_are_refused(string because, string message, params string[] arguments)
    {
        var (exitCode, _, stderr) = await RunCliAsync([.. arguments, "--connections", "20"]);

        exitCode.Should().Be(2, because);
        stderr.Should().Contain(message);
    }
}
