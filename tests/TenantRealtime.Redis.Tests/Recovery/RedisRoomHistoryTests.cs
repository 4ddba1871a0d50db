using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Redis.Tests.Recovery;

/// <summary>The shared history behaviour over Redis, plus what only Redis does: expiring an idle room's keys.</summary>
public sealed class RedisRoomHistoryTests : RoomHistoryTests
{
    private RedisServer? _redis;

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

    protected override async Task ConfigureAsync(ITenantRealtimeBuilder builder)
    {
        _redis = await RedisServer.StartAsync();
        builder.AddRedis(_redis.ConnectionString, o => o.ChannelPrefix = "history-tests");
    }
}
