using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.AppHubs;

/// <summary>
/// The app's own hubs on SignalR's Redis backplane, under the Redis call policy: a send while Redis is known to be down
/// is dropped at once (logged and counted), one Redis does not answer in time returns after the wait bound (counted as
/// unconfirmed); neither throws into the caller.
/// </summary>
public sealed class AppHubSendsDuringOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task ASendDuringAnOutageIsDroppedAtOnceAndCountedWithoutThrowing()
    {
        await using var node = await RedisNodes.StartAsync(_redis, extraConfiguration: RedisNodes.SlowTimeouts);
        var hub = node.Services.GetRequiredService<HubLifetimeManager<AppHub>>();
        using var dropped = Collect(node, "tenantrealtime.redis.broadcasts.dropped");
        await hub.SendAllAsync("note", ["before"]).WaitAsync(RealtimeClient.DefaultTimeout);

        await _redis.StopAsync();
        await Eventually.HoldsAsync(() => node.Services.GetRequiredService<SharedRedisConnection>().IsKnownDown, "the server knows Redis is down");

        var started = Stopwatch.StartNew();
        await hub.SendAllAsync("note", ["during"]).WaitAsync(RealtimeClient.DefaultTimeout);
        await hub.SendGroupAsync("group", "note", ["during"]).WaitAsync(RealtimeClient.DefaultTimeout);

        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        dropped.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => (string?)m.Tags["reason"] == "disconnected");
        node.Logs.GetSnapshot().Should().Contain(r => r.Id.Name == "BroadcastDropped");
    }

    [Fact]
    public async Task ASendToARedisThatHangsReturnsAfterTheWaitBoundAndIsCountedUnconfirmed()
    {
        await using var node = await RedisNodes.StartAsync(_redis, configure: o => o.RedisWaitTimeout = TimeSpan.FromMilliseconds(200), extraConfiguration: RedisNodes.SlowTimeouts);
        var hub = node.Services.GetRequiredService<HubLifetimeManager<AppHub>>();
        using var unconfirmed = Collect(node, "tenantrealtime.redis.broadcasts.unconfirmed");
        await hub.SendAllAsync("note", ["before"]).WaitAsync(RealtimeClient.DefaultTimeout);
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);

        // Redis stops answering for 3 s while every connection stays up: only the wait bound returns the send.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        var started = Stopwatch.StartNew();
        await hub.SendAllAsync("note", ["slow"]).WaitAsync(RealtimeClient.DefaultTimeout);

        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        unconfirmed.GetMeasurementSnapshot().Should().ContainSingle();
        node.Logs.GetSnapshot().Should().Contain(r => r.Id.Name == "BroadcastDetached");
    }

    private static MetricCollector<long> Collect(RealtimeNode node, string instrument) =>
        new(node.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, instrument);

    /// <summary>One of the app's own hubs: it scales out through SignalR's Redis backplane, not the tenant hub's channels.</summary>
    public sealed class AppHub : Hub;
}
