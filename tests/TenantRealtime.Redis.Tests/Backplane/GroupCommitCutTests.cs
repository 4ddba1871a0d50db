using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>
/// Calls cut by a Redis failure in the middle: Redis ran them (their broadcasts were numbered and published) but the
/// replies never reached the sender, and more broadcasts waited behind them (more than a lane keeps in flight). Each
/// broadcast is numbered once — retried in batches under its outbox id, which the script finds — and every client gets
/// each exactly once, in seq order.
/// </summary>
public sealed class GroupCommitCutTests
{
    private const string Event = "cut";
    private const int Burst = GroupCommit.MaxInFlight + 8;

    [Fact]
    public async Task ABatchWhoseReplyIsLostIsNeitherLostNorDuplicated()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var relay = TcpRelay.Start(new Uri($"http://127.0.0.1:{redis.Port}/"));
        await using var receiver = await RedisNodes.StartAsync(redis);

        // Only the sender reaches Redis through the relay, whose replies the test holds and then cuts.
        await using var sender = await RedisNodes.StartAsync(new Relayed(relay), configure: o => o.RedisWaitTimeout = TimeSpan.FromMilliseconds(200));
        using var queued = new MetricCollector<long>(sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.broadcasts.queued");
        var organization = "o" + Guid.NewGuid().ToString("N")[..8];
        var user = TestUser.Member("alice", organization, "t1");
        await using var onReceiver = await Clients.ConnectAsync(receiver, user, Event);
        var applied = new List<(long? Seq, string? Data)>();
        await using var onSender = await OrderedClient.ConnectAsync(sender, user, Event, e =>
        {
            lock (applied)
            {
                applied.Add((e.Seq, e.Data));
            }
        });
        await sender.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", "first");
        await onReceiver.WaitForAsync(Event, m => m.String("data") == "first");
        await Eventually.HoldsAsync(() => { lock (applied) { return applied.Count == 1; } }, "the sender's ordered client applies the first broadcast");

        relay.HoldReplies();
        var receipts = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i =>
            Task.Run(() => sender.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", $"burst-{i}"))));

        // Redis ran the first call (the other server hears its broadcasts) while its reply is held: cut it now.
        await Eventually.HoldsAsync(() => onReceiver.Markers(Event).Count > 1, "Redis ran a batch whose reply is held");
        relay.Cut();
        relay.Restore();

        receipts.Should().OnlyContain(r => r.Seq == null, "no reply came within RedisWaitTimeout: each waits in the outbox");
        queued.GetMeasurementSnapshot().Should().OnlyContain(m => (string)m.Tags["reason"]! == "timeout" || (string)m.Tags["reason"]! == "backlog");
        var total = Burst + 1;
        var expected = Enumerable.Range(1, total).Select(i => (long)i).ToList();

        // The other server hears every broadcast once, in seq order: the retried ones were not published again.
        await Eventually.HoldsAsync(() => onReceiver.Markers(Event).Count >= total, "the receiver gets every broadcast", TimeSpan.FromSeconds(30));
        var received = onReceiver.Received.Where(m => m.EventName == Event).ToList();
        received.Select(m => (long)m["seq"]!).Should().Equal(expected, "in seq order, numbered once each: a retry of a broadcast Redis ran gets its seq back");
        received.Select(m => m.String("data")).Should().OnlyHaveUniqueItems("none is published twice");

        // The sender's own client may miss, live, the broadcast whose publish was lost with the sender's subscription
        // (its retry finds it numbered, after later ones were delivered here): the client sees the gap and resumes it.
        await Eventually.HoldsAsync(() => { lock (applied) { return applied.Count >= total; } }, "the sender's ordered client applies every broadcast", TimeSpan.FromSeconds(30));
        lock (applied)
        {
            applied.Select(a => a.Seq!.Value).Should().Equal(expected);
            var dataBySeq = received.ToDictionary(m => (long)m["seq"]!, m => m.String("data"));
            applied.Select(a => a.Data).Should().Equal(expected.Select(seq => dataBySeq[seq]));
        }

        // An item leaves the outbox once its retry's reply comes, which may be after its broadcast was heard and applied.
        await Eventually.HoldsAsync(() => Outbox(sender).Count == 0, "the outbox empties once every retry is answered");
    }

    private static BroadcastOutbox Outbox(RealtimeNode node) => node.Services.GetRequiredService<BroadcastOutbox>();

    /// <summary>The Redis behind a relay, as a test server's connection string; the test owns both.</summary>
    private sealed class Relayed(TcpRelay relay) : IRedisDeployment
    {
        public string ConnectionString => $"127.0.0.1:{relay.BaseAddress.Port}";

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
