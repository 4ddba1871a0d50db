using StackExchange.Redis;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The one place Redis names are spelled. The prefix holds no ':' and ids are validated (no ':' either), so every
/// name maps back to exactly one application, server and organization. Every command touches one key, except the
/// history scripts: an organization's rooms (their history keys) and its broadcast channel share one hash tag,
/// <c>{o:organization}</c> (<c>{all}</c> for global broadcasts), so on Redis Cluster one script numbers, keeps and
/// publishes a broadcast on the shard that owns them all.
/// </summary>
internal sealed class RedisKeys(string channelPrefix)
{
    /// <summary>The shard of global broadcasts.</summary>
    public const string AllShard = "all";
    /// <summary>The hash field holding a total; ids cannot contain <c>*</c>, so it never clashes with one.</summary>
    public const string TotalField = "*";

    public string ChannelPrefix { get; } = channelPrefix;

    /// <summary>Revocation requests; passed to the prefixing subscriber, which adds <see cref="ChannelPrefix"/>.</summary>
    public RedisChannel Revocation { get; } = RedisChannel.Literal("tenantrealtime:revocation");

    /// <summary>Sorted set of live servers, scored by the Unix time (ms) their share stops counting.</summary>
    public RedisKey Servers => new($"{ChannelPrefix}:tenantrealtime:servers");

    /// <summary>Hash of one server's share: the total of its connections and one field per organization.</summary>
    public RedisKey Server(string serverId) => new($"{ChannelPrefix}:tenantrealtime:server:{serverId}");

    /// <summary>Hash of one server's share of one organization: its total and one field per tenant.</summary>
    public RedisKey Organization(string serverId, string organizationId) =>
        new($"{ChannelPrefix}:tenantrealtime:server:{serverId}:org:{organizationId}");

    /// <summary>Hash of one server's share of one organization's users: one field per user id, its connection count.</summary>
    public RedisKey OrganizationUsers(string serverId, string organizationId) =>
        new($"{ChannelPrefix}:tenantrealtime:server:{serverId}:org:{organizationId}:users");

    /// <summary>Hash of one room's history: its <c>epoch</c> and last <c>seq</c>. Shares a hash slot with its stream and its organization's channel.</summary>
    public RedisKey HistoryMeta(string room) => new($"{ChannelPrefix}:tenantrealtime:history:{{{ShardOf(room)}}}:{room}:meta");

    /// <summary>Stream of one room's kept broadcasts; entry ids are <c>{seq}-0</c>, so XRANGE reads by sequence number.</summary>
    public RedisKey HistoryStream(string room) => new($"{ChannelPrefix}:tenantrealtime:history:{{{ShardOf(room)}}}:{room}:stream");

    /// <summary>
    /// The full name of a shard's broadcast channel, as the history script publishes to it. Subscribers use
    /// <see cref="BroadcastChannel"/> through the prefixing subscriber, which yields these same bytes.
    /// </summary>
    public string BroadcastChannelName(string shard) => PrefixedSubscriber.Prefixed(ChannelPrefix, BroadcastChannelSuffix(shard));

    /// <summary>A shard's broadcast channel for the prefixing subscriber: sharded pub/sub on Redis Cluster.</summary>
    public static RedisChannel BroadcastChannel(string shard, bool sharded) =>
        sharded ? RedisChannel.Sharded(BroadcastChannelSuffix(shard)) : RedisChannel.Literal(BroadcastChannelSuffix(shard));

    /// <summary>The shard of a room or group: <c>o:{organization}</c>, or <see cref="AllShard"/>.</summary>
    public static string ShardOf(string room) =>
        RoomNames.OrganizationOf(room) is { } organizationId ? "o:" + organizationId : AllShard;

    private static string BroadcastChannelSuffix(string shard) => $"tenantrealtime:broadcasts:{{{shard}}}";
}
