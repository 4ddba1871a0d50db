using TenantRealtime.Client;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>Two servers broadcasting to one room at once still give it one sequence: Redis numbers every broadcast.</summary>
public sealed class ClusterSequenceTests : IAsyncLifetime
{
    private const string Event = "ordered";
    private const int PerServer = 40;

    private RedisServer _redis = null!;
    private RealtimeNode _a = null!;
    private RealtimeNode _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _a = await RedisNodes.StartAsync(_redis);
        _b = await RedisNodes.StartAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentBroadcastsFromTwoServersGiveEveryClientOneGaplessSequence()
    {
        var organization = "o" + Guid.NewGuid().ToString("N")[..8];
        var user = TestUser.Member("alice", organization, "t1");
        await using var onA = await Clients.ConnectAsync(_a, user, Event);
        await using var onB = await Clients.ConnectAsync(_b, user, Event);
        var applied = new List<(long? Seq, string? Data)>();
        await using var ordered = await ConnectOrderedClientAsync(_a, user, e =>
        {
            lock (applied)
            {
                applied.Add((e.Seq, e.Data));
            }
        });

        // A client starts tracking a room at the first broadcast it sees; give it that position before the burst.
        var first = await _a.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", "first");
        first.Seq.Should().Be(1);
        await Eventually.HoldsAsync(() => { lock (applied) { return applied.Count == 1; } }, "the ordered client applies the first broadcast");

        var receipts = await Task.WhenAll(Enumerable.Range(0, PerServer).SelectMany(i => new[]
        {
            Task.Run(() => _a.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", $"a-{i}")),
            Task.Run(() => _b.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", $"b-{i}")),
        }));

        var total = (2 * PerServer) + 1;
        var expected = Enumerable.Range(1, total).Select(i => (long)i).ToList();
        receipts.Select(r => r.Seq!.Value).Order().Should().Equal(expected.Skip(1), "the two servers share one counter per room");
        receipts.Select(r => r.Epoch).Distinct().Should().ContainSingle();

        foreach (var client in new[] { onA, onB })
        {
            await Eventually.HoldsAsync(() => client.Markers(Event).Count == total, $"{client.Name} receives every broadcast");
            var received = client.Received.Where(m => m.EventName == Event).ToList();
            received.Select(m => (long)m["seq"]!).Order().Should().Equal(expected, "sorted by seq, without gaps or duplicates");
        }

        // The .NET client reorders by seq: the application sees 1, 2, 3, … exactly once each, in order.
        await Eventually.HoldsAsync(() => { lock (applied) { return applied.Count >= total; } }, "the ordered client applies every broadcast");
        lock (applied)
        {
            applied.Select(a => a.Seq!.Value).Should().Equal(expected);
            var dataBySeq = onA.Received.Where(m => m.EventName == Event).ToDictionary(m => (long)m["seq"]!, m => m.String("data"));
            applied.Select(a => a.Data).Should().Equal(expected.Select(seq => dataBySeq[seq]), "each seq carries the same broadcast for every client");
        }
    }

    private static async Task<TenantRealtimeClient> ConnectOrderedClientAsync(RealtimeNode node, TestUser user, Action<TenantEvent<string>> onEvent)
    {
        var options = new TenantRealtimeClientOptions
        {
            HubUrl = node.HubUrl,
            AccessTokenProvider = () => Task.FromResult<string?>(user.Token()),
        };
        var client = new TenantRealtimeClient(options);
        client.On<string>(Event, onEvent);
        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        await client.StartAsync(timeout.Token);

        // Invocations run after the hub's OnConnectedAsync: once Ping answers, the rooms are joined.
        await client.InvokeAsync<object>("Ping", [], timeout.Token);
        return client;
    }
}
