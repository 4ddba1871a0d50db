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
    /// <summary>Gets this server's id in broadcast messages.</summary>
    public Guid Origin { get; } = Guid.ParseExact(registry.ServerId, "N");

    /// <summary>The publication of a broadcast to <paramref name="target"/>.</summary>
    public async ValueTask<RoomPublication> ForAsync(BroadcastTarget target, string eventName)
    {
        var sharded = await topology.IsClusterAsync().ConfigureAwait(false);
        var slot = sharded ? (await connection.GetAsync().ConfigureAwait(false)).HashSlot(connection.Keys.HistoryMeta(target.Room)) : -1;
        return new RoomPublication(
            sharded ? RoomPublication.ShardedPublish : RoomPublication.Publish,
            connection.Keys.BroadcastChannelName(RedisKeys.OrganizationChannelOf(target.Room)),
            BroadcastMessage.WriteHead(Origin, target, eventName),
            slot);
    }

    /// <summary>Publishes an unnumbered broadcast (recovery off): the head, then its envelope JSON.</summary>
    public async Task PublishUnnumberedAsync(RoomPublication publication, byte[] envelopeJson)
    {
        // The multiplexer's own subscriber: the channel name is already the full one the script would use.
        var multiplexer = await connection.GetAsync().ConfigureAwait(false);
        var channel = publication.IsSharded ? RedisChannel.Sharded(publication.Channel) : RedisChannel.Literal(publication.Channel);
        await multiplexer.GetSubscriber().PublishAsync(channel, BroadcastMessage.WriteUnnumbered(publication.Head, envelopeJson)).ConfigureAwait(false);
    }
}
