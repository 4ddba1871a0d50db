using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.State;
using TenantRealtime.Redis.Tests.Infrastructure;
using TenantRealtime.Testing;

namespace TenantRealtime.Redis.Tests.State;

/// <summary>The state scripts on one Redis: versions, the key bound, tombstones, deltas, a lost state's new epoch, the published message.</summary>
public sealed class RedisStateStoreTests : IAsyncLifetime
{
    private const string Room = "tenant:o1:t1";
    private RedisServer? _redis;
    private ServiceProvider? _provider;

    private RedisStateStore Store => _provider!.GetRequiredService<RedisStateStore>();

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _provider = RedisStateServices.Build(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task EachChangeGetsTheRoomsNextVersionInOneEpoch()
    {
        var first = await Store.ChangeAsync(Room, "a", "1", maxKeys: 10, default);
        var second = await Store.ChangeAsync(Room, "b", "2", maxKeys: 10, default);
        var third = await Store.ChangeAsync(Room, "a", "3", maxKeys: 10, default);

        new[] { first.Version, second.Version, third.Version }.Should().Equal(1L, 2L, 3L);
        new[] { second.Epoch, third.Epoch }.Should().AllBe(first.Epoch);
        var whole = await Store.ReadAsync(Room, epoch: null, 0, default);
        whole.Full.Should().BeTrue();
        whole.Version.Should().Be(3);
        whole.Set.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2" });
    }

    [Fact]
    public async Task ANewKeyPastTheBoundChangesNothingWhileAKnownKeyStillChanges()
    {
        await Store.ChangeAsync(Room, "a", "1", maxKeys: 2, default);
        await Store.ChangeAsync(Room, "b", "1", maxKeys: 2, default);

        (await Store.ChangeAsync(Room, "c", "1", maxKeys: 2, default)).Version.Should().Be(-1);
        (await Store.ChangeAsync(Room, "a", "2", maxKeys: 2, default)).Version.Should().Be(3);
        (await Store.ChangeAsync(Room, "missing", null, maxKeys: 2, default)).Version.Should().Be(0, "removing a key the room does not hold is no change");
        (await Store.ReadAsync(Room, null, 0, default)).Set.Keys.Should().BeEquivalentTo("a", "b");
    }

    [Fact]
    public async Task AKeyWhoseTimeToLiveEndedHoldsNoPlaceAgainstTheBoundEvenBeforeASweep()
    {
        var (epoch, _) = await Store.ChangeAsync(Room, "a", "1", maxKeys: 1, timeToLiveMilliseconds: 1_000, default);
        (await Store.ChangeAsync(Room, "b", "1", maxKeys: 1, default)).Version.Should().Be(-1, "'a' still holds the room's one place");

        // No server sweeps here: the change itself removes what is due, then takes the place.
        long version = -1;
        await Eventually.HoldsAsync(async () => (version = (await Store.ChangeAsync(Room, "b", "1", maxKeys: 1, default)).Version) > 0, "'b' is added once 'a' has ended");
        version.Should().Be(3, "'a''s removal is version 2, published before 'b' takes its place");
        var delta = await Store.ReadAsync(Room, epoch, 1, default);
        (delta.Removed.Single(), delta.Set.Keys.Single()).Should().Be(("a", "b"));
    }

    [Fact]
    public async Task ADeltaHasOnlyTheKeysChangedAndRemovedSinceTheVersionHeld()
    {
        var (epoch, _) = await Store.ChangeAsync(Room, "a", "1", 10, default);
        await Store.ChangeAsync(Room, "b", "1", 10, default);
        await Store.ChangeAsync(Room, "c", "1", 10, default);
        await Store.ChangeAsync(Room, "b", "2", 10, default);
        await Store.ChangeAsync(Room, "c", null, 10, default);

        var delta = await Store.ReadAsync(Room, epoch, 2, default);

        delta.Full.Should().BeFalse();
        delta.Version.Should().Be(5);
        delta.Set.Should().BeEquivalentTo(new Dictionary<string, string> { ["b"] = "2" });
        delta.Removed.Should().Equal("c");
        (await Store.ReadAsync(Room, "other-epoch", 2, default)).Full.Should().BeTrue("another epoch gets the whole state");
        (await Store.ReadAsync(Room, epoch, 9, default)).Full.Should().BeTrue("a version the room never reached gets the whole state");
        var none = await Store.ReadAsync(Room, epoch, 5, default);
        none.Full.Should().BeFalse();
        none.Set.Should().BeEmpty();
        none.Removed.Should().BeEmpty();
    }

    [Fact]
    public async Task TombstonesAreBoundedAndAVersionOlderThanADroppedOneGetsTheWholeState()
    {
        var (epoch, _) = await Store.ChangeAsync(Room, "a", "1", 2, default);
        await Store.ChangeAsync(Room, "a", null, 2, default);
        await Store.ChangeAsync(Room, "b", "1", 2, default);
        await Store.ChangeAsync(Room, "b", null, 2, default);
        await Store.ChangeAsync(Room, "c", "1", 2, default);
        await Store.ChangeAsync(Room, "c", null, 2, default);

        var keys = _provider!.GetRequiredService<SharedRedisConnection>().Keys;
        var database = (await _provider!.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();
        (await database.SortedSetLengthAsync(keys.StateRemoved(Room))).Should().Be(2, "at most MaxStateKeysPerRoom tombstones");
        (await Store.ReadAsync(Room, epoch, 1, default)).Full.Should().BeTrue("the removal of 'a' (version 2) is no longer told");
        var delta = await Store.ReadAsync(Room, epoch, 2, default);
        delta.Full.Should().BeFalse();
        delta.Removed.Should().BeEquivalentTo("b", "c");
    }

    [Fact]
    public async Task AKeyWhoseTimeToLiveEndedIsRemovedByTheNextReadOrSweepAsAVersionedPublishedRemoval()
    {
        var messages = await SubscribeAsync();
        // 3 s: the checks before 'a' ends must all run before it does, even on a loaded machine (a fresh process's first calls).
        var (epoch, _) = await Store.ChangeAsync(Room, "a", "1", 10, timeToLiveMilliseconds: 3_000, default);
        await Store.ChangeAsync(Room, "b", "1", 10, timeToLiveMilliseconds: 60_000, default);
        await Store.ChangeAsync(Room, "c", "1", 10, timeToLiveMilliseconds: 60_000, default);
        await Store.ChangeAsync(Room, "c", "2", 10, default);
        var read = await Store.ReadAsync(Room, null, 0, default);
        read.Set.Keys.Should().BeEquivalentTo("a", "b", "c");
        read.NextDueMilliseconds.Should().BeInRange(1, 3_000, "'a' is the room's next key to end");
        (await Store.ExpireAsync(Room, default)).Should().BeInRange(1, 3_000, "nothing is due yet: the sweep says when 'a' is");

        // No server sweeps here: the read itself removes what is due.
        await Eventually.HoldsAsync(async () => !(await Store.ReadAsync(Room, null, 0, default)).Set.ContainsKey("a"), "the read no longer returns 'a'");
        var delta = await Store.ReadAsync(Room, epoch, 4, default);
        (delta.Version, delta.Removed.Single(), delta.Set.Count).Should().Be((5L, "a", 0));
        delta.NextDueMilliseconds.Should().BeInRange(50_000, 60_000, "'b' ends next; 'c' was set again without a time-to-live");
        await Eventually.HoldsAsync(() => messages.Count == 8, "4 changes, 3 expiry messages and the removal are published");
        var expiries = messages.Where(m => m[0] == StateMessage.ExpiryVersion).Select(m => StateMessage.TryReadExpiry(m, out var room, out var ttl) ? (room, ttl) : default).ToList();
        expiries.Should().BeEquivalentTo([(Room, TimeSpan.FromSeconds(3)), (Room, TimeSpan.FromMinutes(1)), (Room, TimeSpan.FromMinutes(1))]);
        var removal = messages.Where(m => m[0] == StateMessage.Version).Select(m => StateMessage.TryRead(m, out var change) ? change : default).Single(c => c.ValueJson is null);
        (removal.Epoch, removal.Version, removal.Key).Should().Be((epoch, 5L, "a"));
        (await Store.ExpireAsync(Room, default)).Should().BeInRange(50_000, 60_000, "sweeping again removes nothing more");
        (await Store.ReadAsync(Room, null, 0, default)).Version.Should().Be(5);
    }

    [Fact]
    public async Task StateLostInRedisStartsANewEpochAndReadersGetTheWholeStateEmpty()
    {
        var (epoch, _) = await Store.ChangeAsync(Room, "a", "1", 10, default);
        var database = (await _provider!.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();
        await database.ExecuteAsync("FLUSHALL");

        var read = await Store.ReadAsync(Room, epoch, 1, default);

        read.Epoch.Should().NotBe(epoch);
        read.Full.Should().BeTrue();
        read.Version.Should().Be(0);
        read.Set.Should().BeEmpty();
        var next = await Store.ChangeAsync(Room, "b", "2", 10, default);
        next.Should().Be((read.Epoch, 1L), "the first change after the loss is version 1 of the new epoch");
    }

    [Fact]
    public async Task WithALoaderTheFirstReaderOfALostRoomFillsItOthersWaitAndAKeyWrittenMeanwhileKeepsItsValue()
    {
        var (epoch, _) = await Store.ChangeAsync(Room, "a", "1", 10, default);
        var database = (await _provider!.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();
        await database.ExecuteAsync("FLUSHALL");

        var mine = await Store.ReadAsync(Room, epoch, 1, fillMilliseconds: 60_000, default);
        var other = await Store.ReadAsync(Room, epoch, 1, fillMilliseconds: 60_000, default);

        (mine.Fill, other.Fill).Should().Be((RedisStateFill.Mine, RedisStateFill.Other), "one reader of all fills the new epoch");
        (mine.Epoch, mine.Version, mine.Filled).Should().Be((other.Epoch, 0L, false));
        mine.Epoch.Should().NotBe(epoch);
        var written = await Store.ChangeAsync(Room, "b", "\"written\"", 10, default);
        written.Should().Be((mine.Epoch, 1L), "writes go on while the room fills");

        var filled = await Store.FillAsync(Room, mine.Epoch, [new("b", "\"loaded\""u8.ToArray()), new("c", "3"u8.ToArray())], 10, default);

        filled.Should().Be(2, "'c' is the fill's one change: 'b' was written meanwhile, and that value is newer");
        var after = await Store.ReadAsync(Room, epoch, 1, fillMilliseconds: 60_000, default);
        (after.Fill, after.Filled, after.Full, after.Version).Should().Be((RedisStateFill.None, true, true, 2L));
        after.Set.Should().BeEquivalentTo(new Dictionary<string, string> { ["b"] = "\"written\"", ["c"] = "3" });
        (await Store.FillAsync(Room, mine.Epoch, [new("d", "4"u8.ToArray())], 10, default)).Should().Be(-1, "the epoch is filled: nothing changes");
    }

    [Fact]
    public async Task ALoaderWithNothingLeavesTheNewEpochEmptyAndNotFilled()
    {
        var read = await Store.ReadAsync(Room, null, 0, fillMilliseconds: 60_000, default);

        (await Store.FillAsync(Room, read.Epoch, loaded: null, 10, default)).Should().Be(0);
        var after = await Store.ReadAsync(Room, null, 0, fillMilliseconds: 60_000, default);
        (after.Epoch, after.Fill, after.Filled, after.Version).Should().Be((read.Epoch, RedisStateFill.None, false, 0L));
    }

    [Fact]
    public async Task TheChangeIsPublishedOnTheOrganizationsChannelWithItsVersion()
    {
        var connection = _provider!.GetRequiredService<SharedRedisConnection>();
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = (await connection.GetAsync()).GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal(connection.Keys.BroadcastChannelName(RedisKeys.OrganizationChannelOf(Room))), (_, message) => received.TrySetResult(message!));

        var (epoch, version) = await Store.ChangeAsync(Room, "svc", "{\"up\":true}", 10, default);

        var payload = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        StateMessage.TryRead(payload, out var change).Should().BeTrue();
        change.Should().BeEquivalentTo(new { Origin = Store.Origin, Room, Epoch = epoch, Version = version, Key = "svc" }, o => o.ExcludingMissingMembers());
        System.Text.Encoding.UTF8.GetString(change.ValueJson!.Value.Span).Should().Be("{\"up\":true}");
    }

    /// <summary>Every message published on the room's organization channel from now on.</summary>
    private async Task<System.Collections.Concurrent.ConcurrentQueue<byte[]>> SubscribeAsync()
    {
        var connection = _provider!.GetRequiredService<SharedRedisConnection>();
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        var subscriber = (await connection.GetAsync()).GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal(connection.Keys.BroadcastChannelName(RedisKeys.OrganizationChannelOf(Room))), (_, message) => received.Enqueue(message!));
        return received;
    }
}
