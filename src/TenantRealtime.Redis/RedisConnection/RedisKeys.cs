using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The one place Redis names are spelled. The prefix holds no ':' and ids are validated (no ':' either), so every
/// name maps back to exactly one application, server and organization. Every command touches one key, except the
/// history scripts, whose two keys per room share a hash tag (<c>{room}</c>), so the layout works unchanged on
/// Redis Cluster.
/// </summary>
internal sealed class RedisKeys(string channelPrefix)
{
    /// <summary>The hash field holding a total; ids cannot contain <c>*</c>, so it never clashes with one.</summary>
    public const string TotalField = "*";

    public string ChannelPrefix { get; } = channelPrefix;

    /// <summary>Revocation requests; passed to the prefixing subscriber, which adds <see cref="ChannelPrefix"/>.</summary>
    public RedisChannel Revocation { get; } = RedisChannel.Literal("tenantrealtime:revocation");

    /// <summary>The tenant hub's sends between servers; passed to the prefixing subscriber, like <see cref="Revocation"/>.</summary>
    public RedisChannel Deliveries { get; } = RedisChannel.Literal("tenantrealtime:deliveries");

    /// <summary>Sorted set of live servers, scored by the Unix time (ms) their share stops counting.</summary>
    public RedisKey Servers => new($"{ChannelPrefix}:tenantrealtime:servers");

    /// <summary>Hash of one server's share: the total of its connections and one field per organization.</summary>
    public RedisKey Server(string serverId) => new($"{ChannelPrefix}:tenantrealtime:server:{serverId}");

    /// <summary>Hash of one server's share of one organization: its total and one field per tenant.</summary>
    public RedisKey Organization(string serverId, string organizationId) =>
        new($"{ChannelPrefix}:tenantrealtime:server:{serverId}:org:{organizationId}");

    /// <summary>Hash of one room's history: its <c>epoch</c> and last <c>seq</c>. Shares a hash slot with <see cref="HistoryStream"/>.</summary>
    public RedisKey HistoryMeta(string room) => new($"{ChannelPrefix}:tenantrealtime:history:{{{room}}}:meta");

    /// <summary>Stream of one room's kept broadcasts; entry ids are <c>{seq}-0</c>, so XRANGE reads by sequence number.</summary>
    public RedisKey HistoryStream(string room) => new($"{ChannelPrefix}:tenantrealtime:history:{{{room}}}:stream");
}
