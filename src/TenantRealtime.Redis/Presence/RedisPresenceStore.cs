using System.Globalization;
using StackExchange.Redis;
using TenantRealtime.Presence.Internal;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Presence;

/// <summary>
/// Presence across servers: changes go to the <see cref="PresenceWriter"/>, and a read is one script on the
/// organization's shard over the scope's online users and the live servers' shares: O(users listed × servers), never
/// O(connections), and only the count above the list bound. Values read from Redis are data, not identity: malformed
/// ids and entries are left out. A read never waits on an outage: with Redis down, or not answering within
/// <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>, it throws <see cref="TenantRealtimeUnavailableException"/>
/// (a list without the other servers would be a wrong answer).
/// </summary>
internal sealed class RedisPresenceStore(
    PresenceWriter writer,
    SharedRedisConnection connection,
    RedisConnectionRegistry registry,
    RedisCallPolicy policy) : IPresenceStore
{
    public void Changed(PresenceRoom scope, string userId) => writer.Changed(scope, userId);

    /// <summary>Waits for the writer's next pass, within <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>.</summary>
    /// <exception cref="TenantRealtimeUnavailableException">Redis is down, or the pass did not end in time.</exception>
    public async ValueTask DecidedAsync(CancellationToken cancellationToken) =>
        ThrowIfUnanswered(await policy.RunAsync(writer, static writer => writer.DecidedAsync(), cancellationToken).ConfigureAwait(false));

    public async ValueTask<PresenceRead> ReadAsync(PresenceRoom scope, int maxUsers, CancellationToken cancellationToken)
    {
        var call = await policy.RunAsync((this, scope, maxUsers, cancellationToken), static s => s.Item1.ReadCoreAsync(s.scope, s.maxUsers, s.cancellationToken), cancellationToken).ConfigureAwait(false);
        ThrowIfUnanswered(call);
        return call.Result<PresenceRead>();
    }

    /// <summary>A call Redis did not answer (down, or not in time) leaves presence across servers unknown: a list of this server's users alone would be wrong.</summary>
    private static void ThrowIfUnanswered(RedisCall call)
    {
        if (call.Outcome != RedisCallOutcome.Answered)
        {
            throw call.Outcome == RedisCallOutcome.Down
                ? new TenantRealtimeUnavailableException("Presence across servers is unavailable: Redis is not connected.")
                : new TenantRealtimeUnavailableException("Presence across servers is unavailable: Redis did not answer in time.", call.Failure);
        }
    }

    private async Task<PresenceRead> ReadCoreAsync(PresenceRoom scope, int maxUsers, CancellationToken cancellationToken)
    {
        var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var others = await registry.ReadOtherServersAsync(database, cancellationToken).ConfigureAwait(false);
        var keys = connection.Keys;
        var name = PresenceMember.NameOf(scope);
        RedisKey[] scriptKeys =
        [
            keys.PresenceOnline(scope.OrganizationId, name),
            keys.PresenceShare(scope.OrganizationId, registry.ServerId),
            .. others.Select(server => keys.PresenceShare(scope.OrganizationId, server)),
        ];
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(PresenceScripts.Read, scriptKeys, [name, maxUsers])
            .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var count = (long)result[0];
        if (count > maxUsers)
        {
            // Within the same bound as the read, over the same live servers: the connection total of a scope too large
            // to list.
            var connections = await registry.CountAsync(database, others, scope.OrganizationId, scope.TenantId, cancellationToken).ConfigureAwait(false);
            return new PresenceRead(count, CountsOnly: true, [], connections);
        }

        var users = new List<PresenceUser>((result.Length - 1) / 3);
        for (var i = 1; i + 2 < result.Length; i += 3)
        {
            if (TryUser((string)result[i]!, (string)result[i + 1]!, (long)result[i + 2], out var user))
            {
                users.Add(user);
            }
        }

        return new PresenceRead(count, CountsOnly: false, users);
    }

    /// <summary>An online entry: when the user came online (ISO-8601), a line break, its display name (may be empty).</summary>
    private static bool TryUser(string userId, string entry, long connections, out PresenceUser user)
    {
        user = null!;
        var lineBreak = entry.IndexOf('\n', StringComparison.Ordinal);
        if (!TenantIds.IsValid(userId, TenantIds.MaxSupportedLength) || lineBreak < 0 ||
            !DateTimeOffset.TryParse(entry.AsSpan(0, lineBreak), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since))
        {
            return false;
        }

        var displayName = entry[(lineBreak + 1)..];
        user = new PresenceUser(userId, displayName.Length > 0 ? displayName : null, connections, since);
        return true;
    }
}
