using StackExchange.Redis;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The one place Redis names are spelled. The prefix holds no ':' and ids are validated (no ':' either), so every
/// name maps back to exactly one application, server and organization. Every command touches one key, except the
/// history scripts: an organization's rooms (their history keys) and its broadcast channel share one hash tag,
/// <c>{o:organization}</c> (<c>{all}</c> for global broadcasts), so on Redis Cluster one script numbers, keeps and
/// publishes a broadcast on the shard that owns them all. An organization's presence keys carry the same tag, so one
/// presence script decides who comes and goes and publishes the events on that organization's channel, in its order.
/// </summary>
internal sealed class RedisKeys(string channelPrefix)
{
    /// <summary>The channel of global broadcasts (and the hash tag of their rooms' keys).</summary>
    public const string GlobalChannel = "all";
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
    public RedisKey HistoryMeta(string room) => new($"{ChannelPrefix}:tenantrealtime:history:{{{OrganizationChannelOf(room)}}}:{room}:meta");

    /// <summary>Stream of one room's kept broadcasts; entry ids are <c>{seq}-0</c>, so XRANGE reads by sequence number.</summary>
    public RedisKey HistoryStream(string room) => new($"{ChannelPrefix}:tenantrealtime:history:{{{OrganizationChannelOf(room)}}}:{room}:stream");

    /// <summary>Hash of one room's keyed state: its state <c>epoch</c>, last <c>version</c>, tombstone <c>floor</c>, and with a state loader <c>filling</c> (deadline, ms) and <c>filled</c>. Shares the room's hash slot.</summary>
    public RedisKey StateMeta(string room) => new($"{StatePrefix(room)}:meta");

    /// <summary>Hash of one room's keyed state values: key → value JSON.</summary>
    public RedisKey StateValues(string room) => new($"{StatePrefix(room)}:values");

    /// <summary>Sorted set of one room's state keys, live or removed, scored by the version of their last change (the deltas of a resume).</summary>
    public RedisKey StateChanges(string room) => new($"{StatePrefix(room)}:changes");

    /// <summary>Sorted set of one room's removed state keys (tombstones), scored by the version of their removal; bounded.</summary>
    public RedisKey StateRemoved(string room) => new($"{StatePrefix(room)}:removed");

    /// <summary>Sorted set of one room's state keys set with a time-to-live, scored by when it ends (Unix ms, Redis's clock).</summary>
    public RedisKey StateExpiries(string room) => new($"{StatePrefix(room)}:expiries");

    /// <summary>Set of an organization's presence scopes (<c>o</c>, <c>t:{tenant}</c>) with users online or changes waiting.</summary>
    public RedisKey PresenceScopes(string organizationId) => new($"{PresencePrefix(organizationId)}:scopes");

    /// <summary>Hash of an organization's presence rate bound: per scope, when its bucket is full again (Unix ms).</summary>
    public RedisKey PresenceGate(string organizationId) => new($"{PresencePrefix(organizationId)}:gate");

    /// <summary>Hash of one server's share of an organization's presence: <c>{scope}|{user}</c> → its connections there.</summary>
    public RedisKey PresenceShare(string organizationId, string serverId) => new($"{PresencePrefix(organizationId)}:server:{serverId}");

    /// <summary>Hash of the users online in one presence scope: user → when it came online and its display name.</summary>
    public RedisKey PresenceOnline(string organizationId, string scope) => new($"{PresencePrefix(organizationId)}:online:{scope}");

    /// <summary>Hash of one presence scope's changes waiting for its rate bound: user → <c>j</c>, or <c>l</c> and its entry.</summary>
    public RedisKey PresencePending(string organizationId, string scope) => new($"{PresencePrefix(organizationId)}:pending:{scope}");

    /// <summary>Sorted set of servers with a presence share, scored by when (Unix ms) a share no longer renewed may be settled.</summary>
    public RedisKey PresenceServers => new($"{ChannelPrefix}:tenantrealtime:presence:servers");

    /// <summary>Set of the organizations in which one server has written a presence share.</summary>
    public RedisKey PresenceServerOrganizations(string serverId) => new($"{ChannelPrefix}:tenantrealtime:presence:server:{serverId}:orgs");

    /// <summary>
    /// The full name of an organization's broadcast channel, as the history script publishes to it. Subscribers use
    /// <see cref="BroadcastChannel"/> through the prefixing subscriber, which yields these same bytes.
    /// </summary>
    public string BroadcastChannelName(string organizationChannel) => PrefixedSubscriber.Prefixed(ChannelPrefix, BroadcastChannelSuffix(organizationChannel));

    /// <summary>An organization's broadcast channel for the prefixing subscriber: sharded pub/sub on Redis Cluster.</summary>
    public static RedisChannel BroadcastChannel(string organizationChannel, bool sharded) =>
        sharded ? RedisChannel.Sharded(BroadcastChannelSuffix(organizationChannel)) : RedisChannel.Literal(BroadcastChannelSuffix(organizationChannel));

    /// <summary>
    /// The organization channel of a room or group: <c>o:{organization}</c>, or <see cref="GlobalChannel"/>. It names the
    /// broadcast channel and is the hash tag of the organization's keys, so on Redis Cluster they all live on one shard.
    /// </summary>
    public static string OrganizationChannelOf(string room) =>
        RoomNames.OrganizationOf(room) is { } organizationId ? "o:" + organizationId : GlobalChannel;

    /// <summary>A room's state keys, under its organization's hash tag (the tag of its history keys and broadcast channel).</summary>
    private string StatePrefix(string room) => $"{ChannelPrefix}:tenantrealtime:state:{{{OrganizationChannelOf(room)}}}:{room}";

    /// <summary>The organization's presence keys, under its hash tag (the tag of its rooms and broadcast channel).</summary>
    private string PresencePrefix(string organizationId) =>
        $"{ChannelPrefix}:tenantrealtime:presence:{{{OrganizationChannelOf(RoomNames.Organization(organizationId))}}}";

    private static string BroadcastChannelSuffix(string organizationChannel) => $"tenantrealtime:broadcasts:{{{organizationChannel}}}";
}
