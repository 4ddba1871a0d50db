using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>
/// Three servers broadcast into one room at once while Redis holds their first calls, so what arrives meanwhile goes
/// in batches (group commit): the room still has one sequence, every client on every server gets it without gaps or
/// duplicates, and the .NET client applies it in order. On one Redis and on a Redis Cluster (a batch stays in one slot).
/// </summary>
public abstract class GroupCommitTests<TServers>(TServers servers) : IClassFixture<TServers>, IAsyncLifetime
    where TServers : TwoServers
{
    private const string Event = "ordered";
    private const int PerServer = TenantRealtime.Redis.Backplane.GroupCommit.MaxInFlight + 8;

    private RealtimeNode _third = null!;

    private RealtimeNode[] Nodes => [servers.Receiver, servers.Sender, _third];

    public async Task InitializeAsync() => _third = await servers.StartNodeAsync(_ => { });

    public async Task DisposeAsync() => await _third.DisposeAsync();

    [Fact]
    public async Task ABurstFromThreeServersIntoOneRoomIsBatchedAndReachesEveryClientInOneGaplessSequence()
    {
        var organization = "o" + Guid.NewGuid().ToString("N")[..8];
        var user = TestUser.Member("alice", organization, "t1");
        var clients = new List<RealtimeClient>();
        foreach (var node in Nodes)
        {
            clients.Add(await Clients.ConnectAsync(node, user, Event));
        }

        var applied = new List<(long? Seq, string? Data)>();
        await using var ordered = await OrderedClient.ConnectAsync(_third, user, Event, e =>
        {
            lock (applied)
            {
                applied.Add((e.Seq, e.Data));
            }
        });
        var batches = Nodes.Select(n => new MetricCollector<int>(n.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.history.batch_size")).ToList();

        try
        {
            // A client starts tracking a room at the first broadcast it sees; give it that position before the burst.
            await servers.Sender.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", "first");
            await Eventually.HoldsAsync(() => { lock (applied) { return applied.Count == 1; } }, "the ordered client applies the first broadcast");

            // Redis holds every write for a moment, well within RedisWaitTimeout: each server's first call waits in it,
            // and the rest of its burst waits behind that call, so it goes out batched.
            await PauseWritesAsync(TimeSpan.FromMilliseconds(300));
            await Task.WhenAll(Enumerable.Range(0, PerServer).SelectMany(i => Nodes.Select((node, n) =>
                Task.Run(() => node.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", $"{n}-{i}")))));

            var total = (Nodes.Length * PerServer) + 1;
            var expected = Enumerable.Range(1, total).Select(i => (long)i).ToList();
            foreach (var client in clients)
            {
                await Eventually.HoldsAsync(() => client.Markers(Event).Count >= total, $"{client.Name} receives every broadcast");
                var received = client.Received.Where(m => m.EventName == Event).ToList();
                received.Select(m => (long)m["seq"]!).Order().Should().Equal(expected, "sorted by seq, without gaps or duplicates");
                received.Select(m => m.String("data")).Distinct().Should().HaveCount(total, "each broadcast once");
            }

            await Eventually.HoldsAsync(() => { lock (applied) { return applied.Count >= total; } }, "the ordered client applies every broadcast");
            lock (applied)
            {
                applied.Select(a => a.Seq!.Value).Should().Equal(expected);
                var dataBySeq = clients[0].Received.Where(m => m.EventName == Event).ToDictionary(m => (long)m["seq"]!, m => m.String("data"));
                applied.Select(a => a.Data).Should().Equal(expected.Select(seq => dataBySeq[seq]), "each seq carries the same broadcast for every client");
            }

            var sizes = batches.SelectMany(b => b.GetMeasurementSnapshot()).Select(m => m.Value).ToList();
            sizes.Sum().Should().Be(total, "every broadcast is numbered by exactly one call");
            sizes.Should().Contain(size => size > 1, "what waited behind a call in flight went together");
            sizes.Should().OnlyContain(size => size <= TenantRealtime.Redis.Backplane.GroupCommit.MaxBatchCount);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task PauseWritesAsync(TimeSpan pause)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        foreach (var server in admin.GetServers())
        {
            await server.ExecuteAsync("CLIENT", "PAUSE", ((long)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE");
        }
    }
}

public sealed class GroupCommitOnRedisTests(TwoServersOnRedis servers) : GroupCommitTests<TwoServersOnRedis>(servers);

public sealed class GroupCommitOnRedisClusterTests(TwoServersOnRedisCluster servers) : GroupCommitTests<TwoServersOnRedisCluster>(servers);
