using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;
using TenantRealtime.Rooms.Internal;
using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>The shared history behaviour over Redis, plus what only Redis does: expiring an idle room's keys.</summary>
public sealed class RedisRoomHistoryTests : RoomHistoryTests
{
    private RedisServer? _redis;

    internal override async Task<TenantEnvelope> NumberAsync(OutgoingBroadcast broadcast)
    {
        // As the sender does: the room's publication, and a fresh attempt id.
        var publication = await Services.GetRequiredService<RoomPublications>().ForAsync(new BroadcastTarget(Room, [Room]), broadcast.EventName);
        return await Services.GetRequiredService<RedisRoomHistory>().AppendAsync(Room, broadcast, publication, RoomEpochs.New(), retry: false, default);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task ExpiresAnIdleRoomsKeysAndStartsANewEpochWhenTheyAreGone()
    {
        var envelope = await AppendAsync("one");
        var keys = Services.GetRequiredService<SharedRedisConnection>().Keys;
        var database = (await Services.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();

        foreach (var key in new[] { keys.HistoryMeta(Room), keys.HistoryStream(Room) })
        {
            var ttl = await database.KeyTimeToLiveAsync(key);
            ttl.Should().NotBeNull().And.BeGreaterThan(MaxAge - TimeSpan.FromSeconds(5), "an idle room costs nothing once its history is too old to resume");
        }

        await database.KeyDeleteAsync([keys.HistoryMeta(Room), keys.HistoryStream(Room)]);
        var next = await AppendAsync("two");

        next.Seq.Should().Be(1);
        next.Epoch.Should().NotBe(envelope.Epoch);
        (await History.ReadAfterAsync(Room, envelope.Epoch!, 1, default)).Recovered.Should().BeFalse();
    }

    [Fact]
    public async Task ARetryWhoseFirstAttemptRanGetsItsSeqAgainAndIsNotPublishedTwice()
    {
        var history = Services.GetRequiredService<RedisRoomHistory>();
        var publication = await Services.GetRequiredService<RoomPublications>().ForAsync(new BroadcastTarget(Room, [Room]), "news");
        var published = 0;
        var subscriber = (await Services.GetRequiredService<SharedRedisConnection>().GetAsync()).GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal(publication.Channel), (_, _) => Interlocked.Increment(ref published));
        var broadcast = new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Tenant), "o", "t", null, "news", "updated", "once", Time.GetUtcNow());

        var first = await history.AppendAsync(Room, broadcast, publication, "id-1", retry: false, default);
        var retried = await history.AppendAsync(Room, broadcast, publication, "id-1", retry: true, default);
        var other = await history.AppendAsync(Room, broadcast, publication, "id-2", retry: true, default);

        retried.Seq.Should().Be(first.Seq, "Redis ran the first attempt; only its reply was lost");
        retried.Epoch.Should().Be(first.Epoch);
        other.Seq.Should().Be(first.Seq + 1, "a retry Redis never saw is numbered as usual");
        await Eventually.HoldsAsync(() => Volatile.Read(ref published) == 2, "the first attempt and the other broadcast are published");
        await Task.Delay(200);
        Volatile.Read(ref published).Should().Be(2, "the retry is not published again");
        (await History.ReadAfterAsync(Room, first.Epoch!, 0, default)).Entries.Should().HaveCount(2, "kept once");
    }

    [Fact]
    public async Task APositionCreatesAnExpiringHistoryThatDropsAStreamLeftBehindAndFollowsAReset()
    {
        var keys = Services.GetRequiredService<SharedRedisConnection>().Keys;
        var database = (await Services.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();
        await database.StreamAddAsync(keys.HistoryStream(Room), "e", "left-behind", messageId: "9-0");

        var position = await History.PositionAsync(Room, default);

        position!.Seq.Should().Be(0);
        (await database.KeyExistsAsync(keys.HistoryStream(Room))).Should().BeFalse("its ids would be above the next seq, as Append drops it too");
        (await database.KeyTimeToLiveAsync(keys.HistoryMeta(Room))).Should().BeGreaterThan(MaxAge - TimeSpan.FromSeconds(5), "a room only read costs nothing once idle");
        (await AppendAsync("one")).Seq.Should().Be(1);

        await Services.GetRequiredService<RedisRoomHistory>().ResetAsync(Room, default);
        var reset = await History.PositionAsync(Room, default);

        (reset!.Seq, reset.Epoch == position.Epoch).Should().Be((0L, false), "a reset starts the room over in a new epoch");
        (await History.ReadAfterAsync(Room, position.Epoch, 1, default)).Recovered.Should().BeFalse();
        (await AppendAsync("two")).Should().BeEquivalentTo(new { Epoch = reset.Epoch, Seq = 1L }, o => o.ExcludingMissingMembers());

        // Appends renew the TTL only now and then; the stream a reset dropped is new, so the first append renews it.
        foreach (var key in new[] { keys.HistoryMeta(Room), keys.HistoryStream(Room) })
        {
            (await database.KeyTimeToLiveAsync(key)).Should().BeGreaterThan(MaxAge - TimeSpan.FromSeconds(5), $"{key} expires once idle, also after a reset");
        }
    }

    [Fact]
    public async Task AppendsBetweenRenewalsLeaveTheTtlAloneAndABatchNumbersEachRoomInOrder()
    {
        var keys = Services.GetRequiredService<SharedRedisConnection>().Keys;
        var database = (await Services.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();
        await AppendAsync("one");
        await database.KeyExpireAsync(keys.HistoryStream(Room), MaxAge);

        // One call, two rooms, the first room twice: numbered in the batch's order, as separate calls would be.
        var other = Room + "-other";
        var history = Services.GetRequiredService<RedisRoomHistory>();
        var publications = Services.GetRequiredService<RoomPublications>();
        var broadcast = new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Tenant), "o", "t", null, "news", "updated", "batched", Time.GetUtcNow());
        var batch = new List<AppendRequest>();
        foreach (var room in new[] { Room, other, Room })
        {
            var publication = await publications.ForAsync(new BroadcastTarget(room, [room]), "news");
            batch.Add(new AppendRequest(room, broadcast, history.Serialize(broadcast), publication, RoomEpochs.New(), retry: false));
        }

        var envelopes = await history.AppendAsync(batch, default);

        envelopes.Select(e => (e.Room, e.Seq)).Should().Equal((Room, 2L), (other, 1L), (Room, 3L));
        (await database.KeyTimeToLiveAsync(keys.HistoryStream(Room))).Should().BeLessThanOrEqualTo(MaxAge, "renewed less than the interval ago, so not renewed again");
        (await database.KeyTimeToLiveAsync(keys.HistoryStream(other))).Should().BeGreaterThan(MaxAge, "a new room's keys get the full TTL");
        (await History.ReadAfterAsync(Room, envelopes[0].Epoch!, 1, default)).Entries.Select(e => e.Envelope.Seq).Should().Equal(2L, 3L);

        // A room numbered twice in one call counts on in the script and writes its seq once: the next call goes on from it.
        (await History.PositionAsync(Room, default))!.Seq.Should().Be(3);
        batch = [.. new[] { Room, Room, Room }.Select(room => new AppendRequest(room, broadcast, history.Serialize(broadcast), batch[0].Publication, RoomEpochs.New(), retry: false))];
        (await history.AppendAsync(batch, default)).Select(e => e.Seq).Should().Equal(4L, 5L, 6L);
        (await AppendAsync("after")).Seq.Should().Be(7);
    }

    [Fact]
    public async Task AWindowOfAThousandIsTrimmedByWholeStreamNodesASmallOneExactlyAndReadsServeExactlyTheWindow()
    {
        var keys = Services.GetRequiredService<SharedRedisConnection>().Keys;
        var database = (await Services.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();
        var history = Services.GetRequiredService<RedisRoomHistory>();
        var topic = RoomNames.TenantTopic("o", "t", LongWindowPrefix + "feed");
        var publication = await Services.GetRequiredService<RoomPublications>().ForAsync(new BroadcastTarget(topic, [topic]), "news");
        var broadcast = new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Topic), "o", "t", null, "news", "updated", "kept", Time.GetUtcNow());
        IReadOnlyList<TenantEnvelope> last = [];
        for (var call = 0; call < 30; call++)
        {
            last = await history.AppendAsync([.. Enumerable.Range(0, 40).Select(_ => new AppendRequest(topic, broadcast, history.Serialize(broadcast), publication, RoomEpochs.New(), retry: false))], default);
        }

        var (epoch, lastSeq) = (last[^1].Epoch!, last[^1].Seq!.Value);
        lastSeq.Should().Be(1_200);
        (await database.StreamLengthAsync(keys.HistoryStream(topic))).Should().BeInRange(1_000, 1_100, "trimmed by whole nodes of 100 entries: never below the window, at most a node above it");
        var window = await History.ReadAfterAsync(topic, epoch, lastSeq - 1_000, default);
        window.Recovered.Should().BeTrue();
        window.Entries.Select(e => e.Envelope.Seq).Should().Equal(Enumerable.Range(201, 1_000).Select(i => (long?)i));
        (await History.ReadAfterAsync(topic, epoch, lastSeq - 1_001, default)).Recovered.Should().BeFalse("entries kept past the window are never served: the window is HistoryMaxMessages, as in memory");

        for (var i = 0; i < Window + 3; i++)
        {
            await AppendAsync("small");
        }

        (await database.StreamLengthAsync(keys.HistoryStream(Room))).Should().Be(Window, "a window below 1,000 is trimmed exactly");
    }

    private const string LongWindowPrefix = "long:";

    protected override async Task ConfigureAsync(ITenantRealtimeBuilder builder)
    {
        _redis = await RedisServer.StartAsync();
        builder.AddRedis(_redis.ConnectionString, o => o.ChannelPrefix = "history-tests");

        // Topics of this prefix keep 1,000 broadcasts (the default window), trimmed by Redis's stream nodes.
        builder.Services.Configure<TenantRealtimeOptions>(o => o.TopicPrefixes[LongWindowPrefix] = new TopicPrefixOptions { HistoryMaxMessages = 1_000 });
    }
}
