using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TenantRealtime.Tests.Diagnostics;

public sealed class TracingAndHealthTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ActivityListener _listener;
    private RealtimeNode _node = null!;

    public TracingAndHealthTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "TenantRealtime",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task BroadcastsAndConnectsAreTraced()
    {
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-trace", "t1"));
        await _node.Broadcaster.BroadcastToOrganizationAsync("org-trace", "trace-event", "created", null);

        _activities.Should().Contain(a => a.OperationName == "TenantRealtime.Connect");
        var broadcast = _activities.Should().Contain(a => a.OperationName == "TenantRealtime.Broadcast" && (string?)a.GetTagItem("tenantrealtime.event") == "trace-event").Which;
        broadcast.GetTagItem("tenantrealtime.scope").Should().Be("organization");
        broadcast.Kind.Should().Be(ActivityKind.Producer);
    }

    [Fact]
    public async Task TheHealthCheckIsRegisteredAndHealthy()
    {
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-health", "t1"));

        var report = await _node.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries.Should().ContainKey("tenantrealtime").WhoseValue;
        entry.Status.Should().Be(HealthStatus.Healthy);
        entry.Data["localConnections"].Should().Be(1);
    }
}
