using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>What a Redis outage does: broadcasts neither throw nor wait, they are kept in the outbox (logged and
/// counted) and sent when Redis returns, the health check says so, and everything resumes by itself.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RealtimeNode _receiver = null!;
    private RealtimeNode _sender = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _receiver = await RedisNodes.StartAsync(_redis, extraConfiguration: RedisNodes.SlowTimeouts);
        _sender = await RedisNodes.StartAsync(_redis, extraConfiguration: RedisNodes.SlowTimeouts);
    }

    public async Task DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _receiver.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task BroadcastsDuringAnOutageNeitherThrowNorWaitAndDeliveryResumesWhenRedisReturns()
    {
        await using var client = await Clients.ConnectAsync(_receiver, TestUser.Member("alice", "org-a", "t1"), "news");
        using var queued = new MetricCollector<long>(
            _sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            RedisMetrics.MeterName,
            "tenantrealtime.redis.broadcasts.queued");
        using var drained = new MetricCollector<long>(
            _sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            RedisMetrics.MeterName,
            "tenantrealtime.redis.outbox.drained");
        await _sender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "before");
        await client.WaitForAsync("news", m => m.String("data") == "before");
        (await HealthAsync(_sender)).Status.Should().Be(HealthStatus.Healthy);

        await _redis.StopAsync();

        // Right after the crash the multiplexer may not know yet: the broadcast then waits BroadcastTimeout at most.
        await _sender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "during-1").WaitAsync(RealtimeClient.DefaultTimeout);
        await Eventually.HoldsAsync(async () => (await HealthAsync(_sender)).Status == HealthStatus.Unhealthy, "the health check reports Redis down");

        // Once it knows, nothing waits at all: the broadcast goes to the outbox, logged and counted, without a seq.
        (await _sender.Broadcaster.BroadcastToAllAsync("news", "created", "during-2").WaitAsync(RealtimeClient.DefaultTimeout)).Seq.Should().BeNull();
        (await _sender.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "during-3").WaitAsync(RealtimeClient.DefaultTimeout)).Seq.Should().BeNull();
        queued.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(3);
        _sender.Logs.GetSnapshot().Should().Contain(r => r.Id.Name == "BroadcastQueued");

        // A connection's own calls need no Redis: the hub answers its caller directly.
        (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        await client.WaitForAsync("pong");

        // Revocation is different: not reaching the other servers is a security problem the caller must hear about.
        var revoke = () => _sender.Connections.DisconnectUserAsync("org-a", "nobody");
        await revoke.Should().ThrowAsync<InvalidOperationException>().WithMessage("*carried out on this server*");

        await _redis.RestartAsync();

        await Eventually.HoldsAsync(async () => (await HealthAsync(_sender)).Status == HealthStatus.Healthy, "the sender reconnects", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () => (await HealthAsync(_receiver)).Status == HealthStatus.Healthy, "the receiver reconnects", TimeSpan.FromSeconds(30));

        // Re-subscription follows the reconnect closely but not in lockstep: keep broadcasting until one arrives.
        var attempt = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                var marker = $"after-{++attempt}";
                await _sender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", marker);
                return await ArrivesAsync(client, marker);
            },
            "a broadcast after the restart reaches the other server",
            TimeSpan.FromSeconds(30));
        // What was sent during the outage left the outbox in order before anything sent after it. The drainer counts an
        // item once Redis answered it, which may be after the other server heard it (Redis publishes first): wait.
        await Eventually.HoldsAsync(() => drained.GetMeasurementSnapshot().Sum(m => m.Value) >= 3, "the outbox drained what was sent during the outage");

        // The drainer counts each item as it goes and logs once it has emptied the outbox: that log may come a moment later.
        await Eventually.HoldsAsync(() => _sender.Logs.GetSnapshot().Any(r => r.Id.Name == "OutboxDrained"), "the drain is logged");

        // Redis lost its data (no persistence): the heartbeat rewrites each server's share.
        await Eventually.HoldsAsync(async () => await _sender.Registry.CountAsync("org-a") == 1, "counts are back after the restart");
    }

    [Fact]
    public async Task ABroadcastWaitsForASlowRedisNoLongerThanTheBroadcastTimeoutAndIsStillDelivered()
    {
        await using var sender = await RedisNodes.StartAsync(_redis, configure: o => o.RedisWaitTimeout = TimeSpan.FromMilliseconds(200), extraConfiguration: RedisNodes.SlowTimeouts);
        await using var client = await Clients.ConnectAsync(_receiver, TestUser.Member("alice", "org-a", "t1"), "news");
        using var queued = new MetricCollector<long>(
            sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            RedisMetrics.MeterName,
            "tenantrealtime.redis.broadcasts.queued");
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);

        // Redis stops answering for 3 s while every connection stays up: numbering the broadcast in the history
        // does not answer within BroadcastTimeout, so the caller continues and the broadcast waits in the outbox
        // behind its numbering, which is already queued in Redis (awaited, never sent twice).
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        var receipt = await sender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "slow").WaitAsync(RealtimeClient.DefaultTimeout);

        receipt.Seq.Should().BeNull();
        queued.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["reason"].Should().Be("timeout");

        var delivered = await client.WaitForAsync("news", m => m.String("data") == "slow");
        delivered["seq"].Should().NotBeNull();
        client.Markers("news").Should().ContainSingle(m => m == "slow");
    }

    [Fact]
    public async Task WithoutRecoveryAPublishWaitsForASlowRedisNoLongerThanTheBroadcastTimeoutAndIsStillDelivered()
    {
        await using var sender = await RedisNodes.StartAsync(_redis, configure: o => o.RedisWaitTimeout = TimeSpan.FromMilliseconds(200), extraConfiguration: RedisNodes.SlowTimeouts, realtime: o => o.EnableRecovery = false);
        await using var client = await Clients.ConnectAsync(_receiver, TestUser.Member("alice", "org-a", "t1"), "news");
        using var queued = new MetricCollector<long>(
            sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            RedisMetrics.MeterName,
            "tenantrealtime.redis.broadcasts.queued");
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);

        // Redis stops answering for 3 s while every connection stays up: the multiplexer cannot tell it from a
        // slow network, so the publish is queued, and only the bounded wait keeps the caller from holding on.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await sender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "slow").WaitAsync(RealtimeClient.DefaultTimeout);
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "the call waits at most about the broadcast timeout, not for Redis");

        // Unnumbered broadcasts take the same path as numbered ones: the publish under way waits in the outbox.
        queued.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["reason"] == "timeout");

        // Queued is not dropped: once Redis answers again the publish under way goes out, once.
        await client.WaitForAsync("news", m => m.String("data") == "slow");
        await Task.Delay(300);
        client.Markers("news").Count(m => m == "slow").Should().Be(1);
    }

    private static async Task<bool> ArrivesAsync(RealtimeClient client, string marker)
    {
        try
        {
            await client.WaitForAsync("news", m => m.String("data") == marker, TimeSpan.FromMilliseconds(500));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<HealthReport> HealthAsync(RealtimeNode node) =>
        await node.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Name == TenantRealtimeRedisBuilderExtensions.HealthCheckName);
}
