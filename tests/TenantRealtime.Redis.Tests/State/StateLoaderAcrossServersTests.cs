using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.State;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.State;

/// <summary>
/// A room Redis lost, read on two servers with the app's <see cref="IStateLoader"/>: one server of the two asks the
/// loader, once, and every reader gets the loaded state whole (not <c>lost</c>); with a loader that has nothing, the
/// clients are told the state was lost.
/// </summary>
public sealed class StateLoaderAcrossServersTests
{
    private const string State = TenantRealtimeWire.Events.State;
    private readonly string _organization = "o" + Guid.NewGuid().ToString("N")[..8];

    private string TenantRoom => $"tenant:{_organization}:t1";

    [Fact]
    public async Task ARoomRedisLostIsFilledByOneServerOfTwoOnceAndEveryReaderGetsItWhole()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.None);
        await FilledOnceAsync(redis);
    }

    [Fact]
    public async Task OnARedisClusterARoomRedisLostIsFilledByOneServerOfTwoOnceAndEveryReaderGetsItWhole()
    {
        await using var redis = await RedisClusterServer.StartAsync();
        await FilledOnceAsync(redis);
    }

    [Fact]
    public async Task ARoomRedisLostThatTheLoaderCannotFillIsSentEmptyAndLost()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.None);
        var loader = new RecordingStateLoader { Load = (_, _) => throw new InvalidOperationException("the database is down") };
        await using var node = await StartAsync(redis, loader);
        var lostEpoch = await LoseTheRoomAsync(node);

        await using var client = await Clients.ConnectAsync(node, TestUser.Member("alice", _organization, "t1"), State);
        var result = await ResumeAsync(client, lostEpoch);

        result["recovered"].Should().Be(false);
        var sent = await FirstStateAsync(client);
        (sent["full"], sent[TenantRealtimeWire.StateFields.Lost], sent.String("epoch") != lostEpoch).Should().Be((true, true, true));
        ((IReadOnlyDictionary<string, object?>)sent["set"]!).Should().BeEmpty();
        (await client.InvokeAsync("GetState", new { room = TenantRoom }))["version"].Should().Be(0L, "the connection goes on");
        loader.Calls[TenantRoom].Should().Be(1);
    }

    [Fact]
    public async Task AReaderFindingAnotherServerFillingTheRoomWaitsForTheFillUpToRedisWaitTimeout()
    {
        await using var redis = await RedisServer.StartAsync(RedisPersistence.None);
        var loader = new RecordingStateLoader();
        await using var node = await RedisNodes.StartAsync(redis, builder: b => b.Services.Replace(ServiceDescriptor.Singleton<IStateLoader>(loader)));
        var store = node.Services.GetRequiredService<RedisStateStore>();
        var states = node.Services.GetRequiredService<ITenantState>();
        var room = StateRoom.Tenant(_organization, "t1");

        // Another server began the room's epoch and fills it.
        var filler = await store.ReadAsync(TenantRoom, null, 0, fillMilliseconds: 60_000, default);
        filler.Fill.Should().Be(RedisStateFill.Mine);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var givenUp = await states.GetAsync(room);

        System.Diagnostics.Stopwatch.GetElapsedTime(started).Should().BeGreaterThanOrEqualTo(node.Services.GetRequiredService<RedisCallPolicy>().Timeout, "it waited for the fill, then took the room as it is");
        givenUp.Should().BeEmpty();
        var waiting = states.GetAsync(room);
        (await store.FillAsync(TenantRoom, filler.Epoch, [new("svc", "\"up\""u8.ToArray())], 10, default)).Should().Be(1);
        (await waiting).Should().BeEquivalentTo(new Dictionary<string, object?> { ["svc"] = "up" });
        loader.Calls.Should().NotContainKey(TenantRoom, "the server that began the epoch fills it, no other");
    }

    private async Task FilledOnceAsync(IRedisDeployment redis)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loader = new RecordingStateLoader();
        loader.Load = async (room, _) =>
        {
            if (room != TenantRoom)
            {
                return null;
            }

            await release.Task;
            return new Dictionary<string, object?> { ["svc"] = "up" };
        };
        await using var first = await StartAsync(redis, loader);
        await using var second = await StartAsync(redis, loader);
        var lostEpoch = await LoseTheRoomAsync(first);

        await using var onFirst = await Clients.ConnectAsync(first, TestUser.Member("alice", _organization, "t1"), State);
        await using var onSecond = await Clients.ConnectAsync(second, TestUser.Member("bob", _organization, "t1"), State);
        var resumes = new[] { ResumeAsync(onFirst, lostEpoch), ResumeAsync(onSecond, lostEpoch) };
        var read = second.Services.GetRequiredService<ITenantState>().GetAsync(StateRoom.Tenant(_organization, "t1"));
        await loader.Asked(TenantRoom).WaitAsync(RealtimeClient.DefaultTimeout);
        release.SetResult();

        (await Task.WhenAll(resumes)).Should().OnlyContain(r => Equals(r["recovered"], false));
        (await read).Should().BeEquivalentTo(new Dictionary<string, object?> { ["svc"] = "up" });
        foreach (var client in new[] { onFirst, onSecond })
        {
            // The first state each client gets is the loaded one, whole: never an empty state followed by changes.
            var sent = await FirstStateAsync(client);
            sent["full"].Should().Be(true);
            sent.Fields.Should().NotContainKey(TenantRealtimeWire.StateFields.Lost, "the loader filled the room");
            ((IReadOnlyDictionary<string, object?>)sent["set"]!).Should().BeEquivalentTo(new Dictionary<string, object?> { ["svc"] = "up" });
            sent.String("epoch").Should().NotBe(lostEpoch);
        }

        loader.Calls[TenantRoom].Should().Be(1, "one server of the two fills the room, once");
    }

    private static Task<RealtimeNode> StartAsync(IRedisDeployment redis, RecordingStateLoader loader) =>
        RedisNodes.StartAsync(
            redis,
            // Long enough that a reader waiting for the other server's fill never gives up on a busy machine.
            configure: o => o.RedisWaitTimeout = TimeSpan.FromSeconds(10),
            builder: b => b.Services.Replace(ServiceDescriptor.Singleton<IStateLoader>(loader)));

    /// <summary>Sets a key, then deletes the room's state from Redis as a flush would; returns the lost epoch.</summary>
    private async Task<string> LoseTheRoomAsync(RealtimeNode node)
    {
        await node.Services.GetRequiredService<ITenantState>().SetAsync(StateRoom.Tenant(_organization, "t1"), "before", 1);
        var connection = node.Services.GetRequiredService<SharedRedisConnection>();
        var database = (await connection.GetAsync()).GetDatabase();
        var keys = connection.Keys;
        var epoch = (string)(await database.HashGetAsync(keys.StateMeta(TenantRoom), "epoch"))!;
        await database.KeyDeleteAsync([keys.StateMeta(TenantRoom), keys.StateValues(TenantRoom), keys.StateChanges(TenantRoom), keys.StateRemoved(TenantRoom)]);
        return epoch;
    }

    private async Task<ReceivedMessage> FirstStateAsync(RealtimeClient client)
    {
        await client.WaitForAsync(State, m => m.String("room") == TenantRoom);
        return client.Received.First(m => m.EventName == State && m.String("room") == TenantRoom);
    }

    private async Task<IReadOnlyDictionary<string, object?>> ResumeAsync(RealtimeClient client, string epoch)
    {
        var resumed = await client.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = TenantRoom, epoch, version = 1L } } });
        return ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
    }
}
