using StackExchange.Redis;
using TenantRealtime.Presence.Internal;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.Presence;

/// <summary>
/// One run of <see cref="PresenceScripts.Apply"/> for one organization: the scopes it touches (each once) and its
/// operations, in order. Built by the writer from this server's changes, due debounce checks and due releases, or by
/// the sweep from a dead server's scopes.
/// </summary>
internal sealed class PresenceBatch(string organizationId)
{
    private readonly List<PresenceRoom> _scopes = [];
    private readonly List<RedisValue> _operations = [];

    public string OrganizationId { get; } = organizationId;

    /// <summary>Gets the scopes, in the order of their results.</summary>
    public IReadOnlyList<PresenceRoom> Scopes => _scopes;

    /// <summary>This server now has <paramref name="connections"/> of the user in the scope (0: none).</summary>
    public void Set(PresenceRoom scope, string userId, long connections, DateTimeOffset since, string? displayName) =>
        Add("a", scope, userId, connections, PresencePayload.Timestamp(since), displayName ?? "");

    /// <summary>The user leaves the scope unless a live server still has it (its debounce window passed).</summary>
    public void Check(PresenceRoom scope, string userId) => Add("c", scope, userId, 0, "", "");

    /// <summary>Every user of the scope leaves unless a live server still has it (a server died).</summary>
    public void Settle(PresenceRoom scope) => Add("r", scope, "", 0, "", "");

    /// <summary>Only sends the scope's waiting changes, if its rate bound allows now.</summary>
    public void Release(PresenceRoom scope) => Add("f", scope, "", 0, "", "");

    /// <summary>The script's keys and arguments, with this server's share first among <paramref name="otherServers"/>'.</summary>
    public (RedisKey[] Keys, RedisValue[] Arguments) Build(RedisKeys keys, string serverId, string[] otherServers, DateTimeOffset now, PresenceRun run)
    {
        var names = _scopes.Select(PresenceMember.NameOf).ToList();
        RedisKey[] scriptKeys =
        [
            keys.PresenceScopes(OrganizationId),
            keys.PresenceGate(OrganizationId),
            keys.PresenceShare(OrganizationId, serverId),
            .. otherServers.Select(server => keys.PresenceShare(OrganizationId, server)),
            .. names.SelectMany(name => new[] { keys.PresenceOnline(OrganizationId, name), keys.PresencePending(OrganizationId, name) }),
        ];

        var channel = keys.BroadcastChannelName(RedisKeys.OrganizationChannelOf(RoomNames.Organization(OrganizationId)));
        var arguments = new List<RedisValue>(10 + (4 * _scopes.Count) + _operations.Count)
        {
            now.ToUnixTimeMilliseconds(),
            PresencePayload.Timestamp(now),
            otherServers.Length,
            _scopes.Count,
            run.EventsPerSecond,
            run.MaxUsers,
            run.Sharded ? RoomPublication.ShardedPublish : RoomPublication.Publish,
            channel,
            OrganizationId,
            (long)run.ShareTtl.TotalMilliseconds,
        };
        for (var i = 0; i < _scopes.Count; i++)
        {
            arguments.Add(names[i]);
            arguments.Add(_scopes[i].TenantId ?? "");
            arguments.Add(_scopes[i].Topic ?? "");

            // No origin (Guid.Empty) and no room: every server, this one too, delivers it from the channel in channel
            // order, unnumbered, as the event's audience is in the head.
            var target = new BroadcastTarget("", _scopes[i].Groups(run.ShareWithMembers));
            arguments.Add(BroadcastMessage.WriteHead(Guid.Empty, target, TenantRealtimeWire.Events.Presence));
        }

        arguments.AddRange(_operations);
        return (scriptKeys, [.. arguments]);
    }

    private void Add(string kind, PresenceRoom scope, string userId, long connections, string since, string displayName)
    {
        var index = _scopes.IndexOf(scope);
        if (index < 0)
        {
            _scopes.Add(scope);
            index = _scopes.Count - 1;
        }

        _operations.AddRange([kind, index + 1, userId, connections, since, displayName]);
    }
}

/// <summary>The settings one run of the presence script is given.</summary>
/// <param name="EventsPerSecond">The per-scope rate bound.</param>
/// <param name="MaxUsers">The list bound: above it, events carry counts only.</param>
/// <param name="ShareWithMembers">Whether organization events go to every member (<c>org:{o}</c>) or its admins.</param>
/// <param name="Sharded">Whether Redis is a cluster (SPUBLISH).</param>
/// <param name="ShareTtl">How long a server's share outlives its last renewal.</param>
internal readonly record struct PresenceRun(int EventsPerSecond, int MaxUsers, bool ShareWithMembers, bool Sharded, TimeSpan ShareTtl);
