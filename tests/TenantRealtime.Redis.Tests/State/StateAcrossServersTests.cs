using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.State;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.State;

/// <summary>
/// What only Redis does with keyed state: setters on two servers, a state lost with Redis (a new epoch, the whole
/// state), and an outage (the outbox keeps the latest value per key; connects get this server's last known state).
/// </summary>
public sealed class StateAcrossServersTests
{
    private const string State = TenantRealtimeWire.Events.State;
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(30);
    private readonly string _organization = "o" + Guid.NewGuid().ToString("N")[..8];

    private string TenantRoom => $"tenant:{_organization}:t1";

    [Fact]
    public async Task TwoServersSettingOneKeyConcurrentlyLeaveEveryClientWithTheSameFinalValue()
    {
        await using var redis = await RedisServer.StartAsync();
        await ConcurrentSettersAsync(redis);
    }

    [Fact]
    public async Task OnARedisClusterTwoServersSettingOneKeyConcurrentlyLeaveEveryClientWithTheSameFinalValue()
    {
        await using var redis = await RedisClusterServer.StartAsync();
        await ConcurrentSettersAsync(redis);
    }

    private async Task ConcurrentSettersAsync(IRedisDeployment redis)
    {
        await using var first = await RedisNodes.StartAsync(redis);
        await using var second = await RedisNodes.StartAsync(redis);
        var room = StateRoom.Tenant(_organization, "t1");
        var clients = new List<RealtimeClient>();
        foreach (var (node, name) in new[] { (first, "a"), (first, "b"), (second, "c"), (second, "d") })
        {
            clients.Add(await StartedAsync(node, TestUser.Member(name, _organization, "t1")));
        }

        await Task.WhenAll(new[] { first, second }.Select((node, writer) => Task.Run(async () =>
        {
            var state = node.Services.GetRequiredService<ITenantState>();
            for (var i = 0; i < 200; i++)
            {
                await state.SetAsync(room, "shared", $"{writer}-{i}");
            }
        })));

        // Each server merges its own changes and writes the latest at the key's next slot: wait for Redis's final value.
        var store = first.Services.GetRequiredService<RedisStateStore>();
        await Eventually.HoldsAsync(
            async () =>
            {
                var final = (await store.ReadAsync(TenantRoom, null, 0, default)).Set["shared"];
                return clients.All(client => Equals(Apply(client, TenantRoom).GetValueOrDefault("shared"), final.Trim('"')));
            },
            "every client on both servers holds the value Redis kept last");
        foreach (var client in clients)
        {
            Versions(client, TenantRoom).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("Redis gives one order");
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task StateLostWithRedisStartsANewEpochAndClientsGetTheWholeState()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.None);
        await using var receiver = await RedisNodes.StartAsync(redis);
        await using var sender = await RedisNodes.StartAsync(redis);
        var room = StateRoom.Tenant(_organization, "t1");
        var states = sender.Services.GetRequiredService<ITenantState>();
        await using var client = await StartedAsync(receiver, TestUser.Member("alice", _organization, "t1"));
        await states.SetAsync(room, "before", 1);
        var lost = await client.WaitForAsync(State, m => m.String("room") == TenantRoom && Version(m) == 1);

        await redis.StopAsync();
        await redis.RestartAsync();
        await WaitConnectedAsync(sender);
        await WaitConnectedAsync(receiver);
        await states.SetAsync(room, "after", 2);

        var whole = await client.WaitForAsync(State, m => m.String("room") == TenantRoom && Equals(m["full"], true) && m.String("epoch") != lost.String("epoch"), ReconnectTimeout);
        Sets(whole).Should().BeEquivalentTo(new Dictionary<string, object?> { ["after"] = 2L }, "what Redis lost is gone: the whole state of the new epoch replaces it");
        whole[TenantRealtimeWire.StateFields.Lost].Should().Be(true, "no loader filled the new epoch: the client is told what it held is lost");
        Apply(client, TenantRoom).Should().BeEquivalentTo(new Dictionary<string, object?> { ["after"] = 2L });

        // A client coming back with its version of the lost epoch gets the whole state too.
        await using var back = await Clients.ConnectAsync(receiver, TestUser.Member("alice", _organization, "t1"), State);
        var resumed = await back.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = TenantRoom, epoch = lost.String("epoch"), version = 1L } } });
        var result = ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
        result["recovered"].Should().Be(false);
        var sent = await back.WaitForAsync(State, m => m.String("room") == TenantRoom);
        sent["full"].Should().Be(true);
        sent.String("epoch").Should().Be(whole.String("epoch"));
        sent[TenantRealtimeWire.StateFields.Lost].Should().Be(true);
    }

    [Fact]
    public async Task DuringAnOutageTheOutboxKeepsOnlyTheLatestValuePerKeyAndConnectsGetThisServersLastKnownState()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.AppendOnly);
        await using var node = await RedisNodes.StartAsync(redis, realtime: o => o.StateUpdatesPerSecondPerKey = 1000);
        var room = StateRoom.Tenant(_organization, "t1");
        var states = node.Services.GetRequiredService<ITenantState>();
        var outbox = node.Services.GetRequiredService<StateOutbox>();
        await using var client = await StartedAsync(node, TestUser.Member("alice", _organization, "t1"));
        await states.SetAsync(room, "a", 0);
        await client.WaitForAsync(State, m => m.String("room") == TenantRoom && Version(m) == 1);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => node.Services.GetRequiredService<SharedRedisConnection>().IsKnownDown, "the server sees Redis go");
        foreach (var (key, value) in new[] { ("a", 1), ("b", 1), ("a", 2), ("a", 3) })
        {
            await states.SetAsync(room, key, value);
        }

        await Eventually.HoldsAsync(() => outbox.Waiting(TenantRoom).Count == 2 && outbox.Waiting(TenantRoom)[0] == ("a", "3"), "merged changes reach the outbox");
        outbox.Waiting(TenantRoom).Should().Equal(("a", "3"), ("b", "1"));

        // A connection starting now gets this server's last known state (Redis cannot be read).
        await using var during = await StartedAsync(node, TestUser.Member("bob", _organization, "t1"));
        var known = await during.WaitForAsync(State, m => m.String("room") == TenantRoom);
        known["full"].Should().Be(true);
        Sets(known).Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = 0L });

        // A resume now is answered from this server's copy too: nothing changed since the version it holds, as far as it knows.
        await using var resuming = await Clients.ConnectAsync(node, TestUser.Member("carol", _organization, "t1"), State);
        var resumed = await resuming.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = TenantRoom, epoch = known.String("epoch"), version = 1L } } });
        var result = ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
        result["recovered"].Should().Be(true);
        result["replayed"].Should().Be(0L);

        await redis.RestartAsync();
        await WaitConnectedAsync(node);
        await Eventually.HoldsAsync(() => outbox.Count == 0, "the outbox is written once Redis is back", ReconnectTimeout);
        var read = await node.Services.GetRequiredService<RedisStateStore>().ReadAsync(TenantRoom, null, 0, default);
        read.Version.Should().Be(3, "one write for a's first value, then one per key from the outbox");

        // The room's next change brings any connection that missed the outbox's changes up to date.
        await states.SetAsync(room, "c", 1);
        var expected = new Dictionary<string, object?> { ["a"] = 3L, ["b"] = 1L, ["c"] = 1L };
        await Eventually.HoldsAsync(() => Same(Apply(client, TenantRoom), expected) && Same(Apply(during, TenantRoom), expected), "both clients hold the state of Redis", ReconnectTimeout);
    }

    [Fact]
    public async Task AKeyWithATimeToLiveEndsForTheOtherServersClientsWhenTheServerThatSetItIsGone()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var receiver = await RedisNodes.StartAsync(redis);
        var writer = await RedisNodes.StartAsync(redis);
        var room = StateRoom.Tenant(_organization, "t1");
        await using var client = await StartedAsync(receiver, TestUser.Member("alice", _organization, "t1"));
        await writer.Services.GetRequiredService<ITenantState>().SetAsync(room, "lease", "held", TimeSpan.FromSeconds(1));
        var set = await client.WaitForAsync(State, m => m.String("room") == TenantRoom && Sets(m).ContainsKey("lease"));

        // The writer would sweep the room when the key is due; it is gone, so the receiver's own sweep must do it.
        await writer.DisposeAsync();
        var gone = await client.WaitForAsync(State, m => m.String("room") == TenantRoom && ((IEnumerable<object?>)m["removed"]!).Contains("lease"), TimeSpan.FromSeconds(10));
        Version(gone).Should().Be(Version(set) + 1);
        (await receiver.Services.GetRequiredService<ITenantState>().GetAsync(room)).Should().BeEmpty();
    }

    [Fact]
    public async Task AKeyWhoseTimeToLiveEndsDuringAnOutageIsRemovedOnceRedisAnswers()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.AppendOnly);
        await using var node = await RedisNodes.StartAsync(redis);
        var room = StateRoom.Tenant(_organization, "t1");
        var states = node.Services.GetRequiredService<ITenantState>();
        await using var client = await StartedAsync(node, TestUser.Member("alice", _organization, "t1"));
        await states.SetAsync(room, "lease", "held", TimeSpan.FromSeconds(1));
        var set = await client.WaitForAsync(State, m => m.String("room") == TenantRoom && Sets(m).ContainsKey("lease"));

        // Redis is away when the key is due: the sweep is skipped (and retried), so the key outlives its time-to-live.
        await redis.StopAsync();
        await Eventually.HoldsAsync(() => node.Logs.GetSnapshot().Any(r => r.Id.Name == "StateExpirySkipped"), "the sweep at the key's due time finds Redis away");
        client.Received.Should().NotContain(m => m.EventName == State && ((IEnumerable<object?>)m["removed"]!).Contains("lease"));
        await redis.RestartAsync();
        await WaitConnectedAsync(node);

        var gone = await client.WaitForAsync(State, m => m.String("room") == TenantRoom && ((IEnumerable<object?>)m["removed"]!).Contains("lease"), ReconnectTimeout);
        Version(gone).Should().Be(Version(set) + 1, "the key ended once Redis answered again");
        (await states.GetAsync(room)).Should().BeEmpty();
    }

    private static async Task<RealtimeClient> StartedAsync(RealtimeNode node, TestUser user)
    {
        var client = await Clients.ConnectAsync(node, user, State);
        await client.InvokeAsync("Authenticate", new { });
        return client;
    }

    private static Task WaitConnectedAsync(RealtimeNode node) =>
        Eventually.HoldsAsync(() => node.Services.GetRequiredService<SharedRedisConnection>().IsConnected, "the server reconnects to Redis", ReconnectTimeout);

    private static long Version(ReceivedMessage message) => (long)message["version"]!;

    private static IReadOnlyDictionary<string, object?> Sets(ReceivedMessage message) => (IReadOnlyDictionary<string, object?>)message["set"]!;

    private static List<long> Versions(RealtimeClient client, string room) =>
        [.. client.Received.Where(m => m.EventName == State && m.String("room") == room && Equals(m["full"], false)).Select(Version)];

    private static bool Same(Dictionary<string, object?> held, Dictionary<string, object?> expected) =>
        held.Count == expected.Count && expected.All(p => held.TryGetValue(p.Key, out var value) && Equals(value, p.Value));

    /// <summary>What a client holds after applying its state messages by the documented rules.</summary>
    private static Dictionary<string, object?> Apply(RealtimeClient client, string room)
    {
        var held = new Dictionary<string, object?>(StringComparer.Ordinal);
        var version = -1L;
        string? epoch = null;
        foreach (var message in client.Received.Where(m => m.EventName == State && m.String("room") == room))
        {
            if (Equals(message["full"], true))
            {
                held = new Dictionary<string, object?>(Sets(message), StringComparer.Ordinal);
                (version, epoch) = (Version(message), message.String("epoch"));
                continue;
            }

            if (Version(message) <= version && message.String("epoch") == epoch)
            {
                continue;
            }

            foreach (var (key, value) in Sets(message))
            {
                held[key] = value;
            }

            foreach (var key in ((IEnumerable<object?>)message["removed"]!).Cast<string>())
            {
                held.Remove(key);
            }

            (version, epoch) = (Version(message), message.String("epoch"));
        }

        return held;
    }
}
