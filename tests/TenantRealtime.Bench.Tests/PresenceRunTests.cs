using System.Text.Json;
using static TenantRealtime.Bench.Tests.BenchCli;

namespace TenantRealtime.Bench.Tests;

/// <summary>
/// <c>--presence</c> (issue 21): the bench's servers run with presence on, so the lead can measure it against a run
/// without. Tiny runs: the switch reaches every server (each says so in its stats) and the run delivers as usual.
/// </summary>
public sealed class PresenceRunTests
{
    [Theory]
    [InlineData("tenantrealtime", true)]
    [InlineData("tenantrealtime", false)]
    [InlineData("tenantrealtime-redis", true)]
    public async Task A_tiny_run_says_whether_its_servers_track_presence_and_delivers_either_way(string target, bool presence)
    {
        var json = await RunAsync(target, "tenant-fanout", presence ? ["--presence"] : []);
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        run.GetProperty("presence").GetBoolean().Should().Be(presence);
        run.GetProperty("serverPresence").GetBoolean().Should().Be(presence, "every server reports the option it runs with");
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("errors").GetInt64().Should().Be(0);
        var expected = run.GetProperty("expectedDeliveries").GetInt64();
        run.GetProperty("delivered").GetInt64().Should().BeInRange(expected * 9 / 10, expected).And.BeGreaterThan(0);
    }

    [Fact]
    public async Task The_presence_profile_runs_the_servers_with_presence_for_an_on_versus_off_session()
    {
        var json = await RunAsync("tenantrealtime", "tenant-fanout", "--profile", "presence");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        run.GetProperty("profile").GetString().Should().Be("presence");
        run.GetProperty("presence").GetBoolean().Should().BeTrue();
        run.GetProperty("serverPresence").GetBoolean().Should().BeTrue();
    }

    [Theory]
    [InlineData("signalr", "--presence")]
    [InlineData("socketio", "--presence")]
    [InlineData("signalr", "--profile", "presence")]
    public async Task Presence_is_refused_for_a_target_without_it(string target, params string[] presence)
    {
        var (exitCode, _, stderr) = await RunCliAsync(["--target", target, .. presence, "--connections", "20"]);

        exitCode.Should().Be(2);
        stderr.Should().Contain($"--presence needs a TenantRealtime target; {target} has no presence.");
    }
}
