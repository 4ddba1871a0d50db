using System.Collections.Concurrent;
using StackExchange.Redis;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Where this server's broadcasts are published: each on its organization's channel (<see cref="RedisKeys.OrganizationChannelOf"/>),
/// sharded on Redis Cluster, with this server's id in the head so it can tell its own broadcasts apart.
/// </summary>
internal sealed class RoomPublications(SharedRedisConnection connection, RedisTopology topology, RedisConnectionRegistry registry)
{
    /// <summary>Rooms whose names are remembered; past this many they are all spelled again, so the memory stays bounded.</summary>
    internal const int MaxRememberedRooms = 10_000;

    // A room's names are spelled once, not per broadcast (five strings each time, a tenth of what a broadcast allocated).
    private readonly ConcurrentDictionary<string, PublishedRoom> _rooms = new(StringComparer.Ordinal);

    /// <summary>Gets this server's id in broadcast messages.</summary>
    public Guid Origin { get; } = Guid.ParseExact(registry.ServerId, "N");

    /// <summary>The publication of a broadcast to <paramref name="target"/>.</summary>
    public async ValueTask<RoomPublication> ForAsync(BroadcastTarget target, string eventName)
    {
        var room = await RoomAsync(target.Room).ConfigureAwait(false);
        return new RoomPublication(room.Command, room.Channel, BroadcastMessage.WriteHead(Origin, target, eventName), room.Meta, room.Stream, room.Slot);
    }

    /// <summary>
    /// Where the other messages of <paramref name="room"/> (its keyed state) go: the publish command and its
    /// organization's channel (full name), as for its broadcasts.
    /// </summary>
    public async ValueTask<(string Command, string Channel)> ChannelOfAsync(string room)
    {
        var names = await RoomAsync(room).ConfigureAwait(false);
        return (names.Command, names.Channel);
    }

    private async ValueTask<PublishedRoom> RoomAsync(string room)
    {
        if (_rooms.TryGetValue(room, out var names))
        {
            return names;
        }

        var keys = connection.Keys;
        var meta = keys.HistoryMeta(room);
        var sharded = await topology.IsClusterAsync().ConfigureAwait(false);
        names = new PublishedRoom(
            sharded ? RoomPublication.ShardedPublish : RoomPublication.Publish,
            keys.BroadcastChannelName(RedisKeys.OrganizationChannelOf(room)),
            meta,
            keys.HistoryStream(room),
            sharded ? (await connection.GetAsync().ConfigureAwait(false)).HashSlot(meta) : -1);
        if (_rooms.Count >= MaxRememberedRooms)
        {
            _rooms.Clear();
        }

        _rooms[room] = names;
        return names;
    }

    /// <summary>Publishes an unnumbered broadcast (recovery off): the head, then its envelope JSON.</summary>
    public async Task PublishUnnumberedAsync(RoomPublication publication, byte[] envelopeJson)
    {
        // The multiplexer's own subscriber: the channel name is already the full one the script would use.
        var multiplexer = await connection.GetAsync().ConfigureAwait(false);
        var channel = publication.IsSharded ? RedisChannel.Sharded(publication.Channel) : RedisChannel.Literal(publication.Channel);
        await multiplexer.GetSubscriber().PublishAsync(channel, BroadcastMessage.WriteUnnumbered(publication.Head, envelopeJson)).ConfigureAwait(false);
    }

    private sealed record PublishedRoom(string Command, string Channel, RedisKey Meta, RedisKey Stream, int Slot);
}
