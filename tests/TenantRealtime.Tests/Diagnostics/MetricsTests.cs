using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TenantRealtime.Tests.Diagnostics;

/// <summary>The TenantRealtime meter reports connections, broadcasts, refusals and rate limiting, never raw ids.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    private IMeterFactory Meters => _node.Services.GetRequiredService<IMeterFactory>();

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = o =>
        {
            // Tight enough to hit in a test: connecting spends one token, leaving two.
            o.InvocationsPerSecond = 1;
            o.InvocationBurst = 3;
        },
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Meters, "TenantRealtime", instrument);

    [Fact]
    public async Task ActiveConnectionsGoUpAndDown()
    {
        using var active = Collect<long>("tenantrealtime.connections.active");
        var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"));

        active.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(1);
        await client.DisposeAsync();
        await active.WaitForMeasurementsAsync(2, TimeSpan.FromSeconds(10));
        active.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(0);
    }

    [Fact]
    public async Task BroadcastsAreCountedByScopeAndEventWithTheirLocalFanOutAndDuration()
    {
        using var broadcasts = Collect<long>("tenantrealtime.broadcasts");
        using var fannedOut = Collect<long>("tenantrealtime.messages.fanned_out");
        using var duration = Collect<double>("tenantrealtime.broadcast.duration");
        await using var member = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"));
        await using var admin = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Admin("ada", "org-a", "t1"));

        await _node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "service-update", "updated", null);

        var measurement = broadcasts.LastMeasurement!;
        measurement.Value.Should().Be(1);
        measurement.Tags.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["tenantrealtime.scope"] = "tenant",
            ["tenantrealtime.event"] = "service-update",
        }, "tags name the scope and event, never an organization or tenant id");
        fannedOut.LastMeasurement!.Value.Should().Be(2, "the member through the tenant room and the admin through org-admins, once each");
        duration.LastMeasurement!.Value.Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task RefusalsAreCountedByOperationAndCode()
    {
        using var refusals = Collect<long>("tenantrealtime.refusals");
        await using var refused = RealtimeClient.Create(_node.HubUrl, TestJwt.Create("alice", organizationId: null));
        await refused.StartExpectingRefusalAsync();
        await using var member = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"));

        var join = () => member.InvokeAsync("JoinOrganization", new { organizationId = "org-b" });
        await join.Should().ThrowAsync<HubException>();

        refusals.GetMeasurementSnapshot().Select(m => (m.Tags["tenantrealtime.operation"], m.Tags["tenantrealtime.reason"]))
            .Should().BeEquivalentTo(new[] { ((object?)"connect", (object?)"unauthenticated"), ("join", "forbidden") });
    }

    [Fact]
    public async Task RateLimitedInvocationsAreCounted()
    {
        using var limited = Collect<long>("tenantrealtime.invocations.rate_limited");
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"));

        var calls = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            try
            {
                await client.InvokeAsync("Ping");
                return false;
            }
            catch (HubException)
            {
                return true;
            }
        }));

        limited.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(calls.Count(rejected => rejected)).And.BeGreaterThan(0);
    }
}
