using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using TenantRealtime.Internal.Broadcasting;
using TenantRealtime.Internal.Recovery;
using TenantRealtime.Redis.Internal.Connection;
using TenantRealtime.Redis.Internal.Recovery;

namespace TenantRealtime.Redis.Tests.Recovery;

/// <summary>The Redis history on its own: numbering, what a read returns, the count and age windows, and expiry.</summary>
public sealed class RedisRoomHistoryTests : IAsyncLifetime
{
    private const int Window = 5;
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly string _room = "tenant:o:" + Guid.NewGuid().ToString("N")[..8];
    private RedisServer _redis = null!;
    private ServiceProvider _services = null!;

    private RedisRoomHistory History => _services.GetRequiredService<RedisRoomHistory>();

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddTenantRealtime(o =>
        {
            o.HistoryMaxMessages = Window;
            o.HistoryMaxAge = MaxAge;
        }).AddRedis(_redis.ConnectionString, o => o.ChannelPrefix = "history-tests");
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task NumbersBroadcastsAndReplaysThemAsPlainValues()
    {
        var first = await AppendAsync(new { name = "api", nested = new { count = 2 }, list = new[] { 1, 2 }, ok = true, ratio = 0.5 });
        var second = await AppendAsync("second");

        (first.Seq, second.Seq).Should().Be((1L, 2L));
        second.Epoch.Should().Be(first.Epoch).And.NotBeNullOrEmpty();

        var read = await History.ReadAfterAsync(_room, first.Epoch!, 0, default);

        read.Recovered.Should().BeTrue();
        read.Entries.Select(e => e.EventName).Should().Equal("news", "news");
        var replayed = read.Entries[0].Envelope;
        replayed.Should().BeEquivalentTo(first, o => o.Excluding(e => e.Data));
        replayed.Data.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["name"] = "api",
            ["nested"] = new Dictionary<string, object?> { ["count"] = 2L },
            ["list"] = new List<object?> { 1L, 2L },
            ["ok"] = true,
            ["ratio"] = 0.5,
        });
        var data = replayed.Data.Should().BeOfType<Dictionary<string, object?>>("MessagePack clients must get a map, not a JsonElement").Subject;
        ((Dictionary<string, object?>)data["nested"]!)["count"].Should().BeOfType<long>("an integer must replay as an integer, not a double");
        ((List<object?>)data["list"]!).Should().AllBeOfType<long>();
        data["ratio"].Should().BeOfType<double>();
        read.Entries[1].Envelope.Data.Should().Be("second");
    }

    [Fact]
    public async Task ReadsNothingAtTheLatestPositionAndLosesUnknownEpochsPositionsAndRooms()
    {
        var envelope = await AppendAsync("one");

        var latest = await History.ReadAfterAsync(_room, envelope.Epoch!, 1, default);
        latest.Recovered.Should().BeTrue();
        latest.Entries.Should().BeEmpty();
        (await History.ReadAfterAsync(_room, "other", 0, default)).Recovered.Should().BeFalse();
        (await History.ReadAfterAsync(_room, envelope.Epoch!, 2, default)).Recovered.Should().BeFalse("a position ahead of the room is not from this history");
        (await History.ReadAfterAsync(_room + "x", envelope.Epoch!, 0, default)).Recovered.Should().BeFalse();
        (await History.ReadAfterAsync(_room, envelope.Epoch!, long.MaxValue, default)).Recovered.Should().BeFalse();
    }

    [Fact]
    public async Task KeepsTheLastHistoryMaxMessages()
    {
        TenantEnvelope last = null!;
        for (var i = 0; i < Window + 2; i++)
        {
            last = await AppendAsync($"m-{i}");
        }

        (await History.ReadAfterAsync(_room, last.Epoch!, 1, default)).Recovered.Should().BeFalse("seq 2 was trimmed");
        var read = await History.ReadAfterAsync(_room, last.Epoch!, 2, default);
        read.Recovered.Should().BeTrue();
        read.Entries.Select(e => e.Envelope.Seq).Should().Equal(3L, 4L, 5L, 6L, 7L);
    }

    [Fact]
    public async Task EnforcesTheAgeWindowOnRead()
    {
        var envelope = await AppendAsync("old");
        _time.Advance(MaxAge + TimeSpan.FromSeconds(1));

        (await History.ReadAfterAsync(_room, envelope.Epoch!, 0, default)).Recovered.Should().BeFalse("the missed broadcast is older than HistoryMaxAge");
        (await History.ReadAfterAsync(_room, envelope.Epoch!, 1, default)).Recovered.Should().BeTrue("nothing was missed");
    }

    [Fact]
    public async Task ExpiresAnIdleRoomsKeysAndStartsANewEpochWhenTheyAreGone()
    {
        var envelope = await AppendAsync("one");
        var keys = _services.GetRequiredService<SharedRedisConnection>().Keys;
        var database = (await _services.GetRequiredService<SharedRedisConnection>().GetAsync()).GetDatabase();

        foreach (var key in new[] { keys.HistoryMeta(_room), keys.HistoryStream(_room) })
        {
            var ttl = await database.KeyTimeToLiveAsync(key);
            ttl.Should().NotBeNull().And.BeGreaterThan(MaxAge - TimeSpan.FromSeconds(5), "an idle room costs nothing once its history is too old to resume");
        }

        await database.KeyDeleteAsync([keys.HistoryMeta(_room), keys.HistoryStream(_room)]);
        var next = await AppendAsync("two");

        next.Seq.Should().Be(1);
        next.Epoch.Should().NotBe(envelope.Epoch);
        (await History.ReadAfterAsync(_room, envelope.Epoch!, 1, default)).Recovered.Should().BeFalse();
    }

    private Task<TenantEnvelope> AppendAsync(object data) =>
        History.AppendAsync(_room, new EnvelopeDraft(BroadcastScope.Tenant, "o", "t", null, "news", "updated", data, _time.GetUtcNow()), default);
}
