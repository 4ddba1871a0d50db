using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>
/// Redis stopped while broadcasts continue: they wait in the sender's outbox and are numbered and sent in order when
/// Redis returns. With persistence (AOF) clients then resume without loss; without it the history is gone, the
/// epoch changes and clients are told to reload.
/// </summary>
public sealed class RecoveryThroughOutageTests
{
    private const string Event = "recovery";
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(30);
    private readonly string _organization = "o" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task WithPersistenceClientsGetEveryBroadcastOfAnOutageInOrderAndNoneTwice()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.AppendOnly);
        await using var receiver = await RedisNodes.StartAsync(redis);
        await using var sender = await RedisNodes.StartAsync(redis);
        var user = TestUser.Member("alice", _organization, "t1");
        await using var client = await Clients.ConnectAsync(receiver, user, Event);
        var before = await BroadcastAsync(sender, "before-", 3);
        await client.WaitForAsync(Event, m => m.String("data") == "before-2");
        var position = Position(client.Received.Last(m => m.EventName == Event));

        await redis.StopAsync();
        // More than a lane keeps in flight, so the drain also shows batching.
        const int During = GroupCommit.MaxInFlight + 8;
        var during = await BroadcastAsync(sender, "during-", During);
        during.Should().OnlyContain(r => r.Seq == null, "Redis could not number them: they wait in the outbox");
        Outbox(sender).Count.Should().Be(During);
        using var batches = new MetricCollector<int>(sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.history.batch_size");

        await redis.RestartAsync();
        await Eventually.HoldsAsync(() => Outbox(sender).Count == 0, "the outbox drains once Redis is back", ReconnectTimeout);
        batches.GetMeasurementSnapshot().Select(m => m.Value).Should().Contain(size => size > 1, "a backlog drains in batches, not a round trip per broadcast");
        await WaitConnectedAsync(receiver);

        // A client that comes back (here: a second connection, as after a reconnect) resumes from its last position.
        await using var back = await Clients.ConnectAsync(receiver, user, Event);
        var result = await ResumeAsync(back, position);
        result["recovered"].Should().Be(true);
        result["replayed"].Should().Be((long)During);
        await back.WaitForAsync(Event, m => m.String("data") == $"during-{During - 1}");
        back.Markers(Event).Should().Equal(Markers("during-", During), "the outbox kept the order, and nothing is numbered twice");
        back.Received.Where(m => m.EventName == Event).Select(m => (long)m["seq"]!).Should().Equal(Enumerable.Range(4, During).Select(i => (long)i));

        // What the first connection may have received live after the restart agrees with the replay, seq for seq.
        var replayed = back.Received.Where(m => m.EventName == Event).ToDictionary(m => (long)m["seq"]!, m => m.String("data"));
        foreach (var live in client.Received.Where(m => m.EventName == Event && (long)m["seq"]! > position.Seq))
        {
            replayed[(long)live["seq"]!].Should().Be(live.String("data"));
        }

        before.Select(r => r.Seq).Should().Equal(1L, 2L, 3L);
    }

    [Fact]
    public async Task WithoutPersistenceARestartChangesTheEpochAndResumeSaysReload()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.None);
        await using var receiver = await RedisNodes.StartAsync(redis);
        await using var sender = await RedisNodes.StartAsync(redis);
        var user = TestUser.Member("alice", _organization, "t1");
        await using var client = await Clients.ConnectAsync(receiver, user, Event);
        await BroadcastAsync(sender, "before-", 2);
        var position = Position(await client.WaitForAsync(Event, m => m.String("data") == "before-1"));

        await redis.StopAsync();
        await redis.RestartAsync();
        await WaitConnectedAsync(sender);
        await WaitConnectedAsync(receiver);

        BroadcastReceipt? after = null;
        var attempt = 0;
        await Eventually.HoldsAsync(
            async () => (after = await sender.Broadcaster.BroadcastToTenantAsync(_organization, "t1", Event, "updated", $"after-{++attempt}")).Seq is not null,
            "a broadcast is numbered again",
            ReconnectTimeout);
        after!.Epoch.Should().NotBe(position.Epoch, "Redis lost the room's history, so it starts a new one");

        await using var back = await Clients.ConnectAsync(receiver, user, Event);
        var result = await ResumeAsync(back, position);
        result["recovered"].Should().Be(false);
        result["replayed"].Should().Be(0L);
    }

    [Fact]
    public async Task AFullOutboxGivesUpTheOldestStartsTheRoomOverAndResumeSaysReload()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.AppendOnly);
        await using var receiver = await RedisNodes.StartAsync(redis);
        await using var sender = await RedisNodes.StartAsync(redis, configure: o => o.OutboxCapacity = 3);
        using var dropped = new MetricCollector<long>(sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.outbox.dropped");
        using var queued = new MetricCollector<long>(sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.broadcasts.queued");
        var user = TestUser.Member("alice", _organization, "t1");
        await using var client = await Clients.ConnectAsync(receiver, user, Event);
        await BroadcastAsync(sender, "before-", 1);
        var position = Position(await client.WaitForAsync(Event, m => m.String("data") == "before-0"));

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => !sender.Services.GetRequiredService<SharedRedisConnection>().IsConnected, "the server notices the outage", ReconnectTimeout);
        await BroadcastAsync(sender, "during-", 5);

        queued.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(5);
        dropped.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(2);
        sender.Logs.GetSnapshot().Where(r => r.Id.Name == "OutboxFull").Should().HaveCount(2);

        await redis.RestartAsync();
        await Eventually.HoldsAsync(() => Outbox(sender).Count == 0, "the outbox drains once Redis is back", ReconnectTimeout);
        sender.Logs.GetSnapshot().Should().Contain(r => r.Id.Name == "RoomEpochReset", "the room of the given-up broadcasts starts over");
        await WaitConnectedAsync(receiver);

        // A client that missed the outage resumes from before it: two accepted broadcasts are gone, so it must reload.
        await using var back = await Clients.ConnectAsync(receiver, user, Event);
        var result = await ResumeAsync(back, position);
        result["recovered"].Should().Be(false, "two broadcasts the API accepted were given up: never claim a full recovery");
        result["replayed"].Should().Be(0L);

        // The client that stayed connected learns of the new epoch from the room's next broadcast (the .NET and JS
        // clients reload on an epoch change). What was published while its server was still re-subscribing after the
        // restart may not reach it live; whatever does is in the new epoch, in order.
        var attempt = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                await sender.Broadcaster.BroadcastToTenantAsync(_organization, "t1", Event, "updated", $"after-{++attempt}");
                await Task.Delay(100);
                return client.Received.Any(m => m.EventName == Event && m.String("data")!.StartsWith("after-", StringComparison.Ordinal));
            },
            "the connected client receives broadcasts again",
            ReconnectTimeout);
        var live = client.Received.Where(m => m.EventName == Event && m.String("data") != "before-0").ToList();
        live.Select(m => m.String("epoch")).Should().OnlyContain(e => e != position.Epoch, "every broadcast after the given-up ones is in the room's new epoch");
        live.Select(m => (long)m["seq"]!).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        client.Markers(Event).Should().NotContain(["during-0", "during-1"], "given-up broadcasts never reached Redis");
    }

    [Fact]
    public async Task InRejectModeABroadcastDuringAnOutageThrowsAndNothingWaitsInTheOutbox()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var sender = await RedisNodes.StartAsync(redis, configure: o => o.OutageMode = RedisOutageMode.Reject);
        using var rejected = new MetricCollector<long>(sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.broadcasts.rejected");
        (await sender.Broadcaster.BroadcastToTenantAsync(_organization, "t1", Event, "updated", "before")).Seq.Should().Be(1);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => !sender.Services.GetRequiredService<SharedRedisConnection>().IsConnected, "the server notices the outage", ReconnectTimeout);
        var refused = () => sender.Broadcaster.BroadcastToTenantAsync(_organization, "t1", Event, "updated", "during").WaitAsync(RealtimeClient.DefaultTimeout);
        var thrown = (await refused.Should().ThrowAsync<TenantRealtimeUnavailableException>()).Which;
        thrown.MayBeDelivered.Should().BeFalse("it never reached Redis");
        thrown.Message.Should().Contain("OutageMode is Reject");
        Outbox(sender).Count.Should().Be(0);
        rejected.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["reason"].Should().Be("disconnected");

        await redis.RestartAsync();
        await WaitConnectedAsync(sender);
        BroadcastReceipt? after = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    after = await sender.Broadcaster.BroadcastToTenantAsync(_organization, "t1", Event, "updated", "after");
                    return after.Seq is not null;
                }
                catch (TenantRealtimeUnavailableException)
                {
                    return false;
                }
            },
            "broadcasts are numbered again once Redis is back",
            ReconnectTimeout);
        after!.Seq.Should().BeGreaterThan(0);
    }

    private async Task<List<BroadcastReceipt>> BroadcastAsync(RealtimeNode node, string prefix, int count)
    {
        var receipts = new List<BroadcastReceipt>();
        foreach (var marker in Markers(prefix, count))
        {
            // Never held by Redis: each returns within the test timeout even while Redis is down.
            receipts.Add(await node.Broadcaster.BroadcastToTenantAsync(_organization, "t1", Event, "updated", marker).WaitAsync(RealtimeClient.DefaultTimeout));
        }

        return receipts;
    }

    private static IEnumerable<string> Markers(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i}");

    private static BroadcastOutbox Outbox(RealtimeNode node) => node.Services.GetRequiredService<BroadcastOutbox>();

    private static Task WaitConnectedAsync(RealtimeNode node) =>
        Eventually.HoldsAsync(() => node.Services.GetRequiredService<SharedRedisConnection>().IsConnected, "the server reconnects to Redis", ReconnectTimeout);

    private static (string Room, string Epoch, long Seq) Position(ReceivedMessage message) =>
        (message.String("room")!, message.String("epoch")!, (long)message["seq"]!);

    private static async Task<IReadOnlyDictionary<string, object?>> ResumeAsync(RealtimeClient client, (string Room, string Epoch, long Seq) position)
    {
        var answer = await client.InvokeAsync("Resume", new { positions = new[] { new { room = position.Room, epoch = position.Epoch, seq = position.Seq } } });
        return ((IEnumerable<object?>)answer["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
    }
}
