using StackExchange.Redis;
using TenantRealtime.Redis.Diagnostics;

namespace TenantRealtime.Redis.Presence;

/// <summary>
/// The heartbeat's part: this server's share renewed, and the shares of servers that died settled. A server that stops
/// renewing is found in <see cref="Redis.RedisConnection.RedisKeys.PresenceServers"/> once its score passes (its last
/// renewal plus <see cref="TenantRealtimeRedisOptions.ServerTimeout"/>, or its graceful stop plus the debounce window)
/// and the registry no longer counts it live; the first server to find it runs the script's settle on every scope of
/// every organization it had a share in, so its users that are nowhere else leave, once, within about a heartbeat of it.
/// </summary>
internal sealed partial class PresenceWriter
{
    /// <summary>At most this many dead servers are settled per heartbeat, so one beat stays short after a mass failure.</summary>
    private const int SweepBatch = 16;

    private async Task HeartbeatAsync()
    {
        var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var now = time.GetUtcNow();
        var settleAt = now + redisOptions.Value.ServerTimeout;
        string[] indexed;
        string[] gone;
        lock (_gate)
        {
            // Organizations without a user here and nothing in flight: their share is empty, so the index drops them.
            gone = [.. _indexed.Where(id => !local.Has(id) && !_dirty.Any(member => member.Room.OrganizationId == id) && !HasDue(id))];
            _indexed.ExceptWith(gone);
            indexed = [.. _indexed];
        }

        var writes = new List<Task>
        {
            database.SortedSetAddAsync(Keys.PresenceServers, ServerId, settleAt.ToUnixTimeMilliseconds()),
        };
        writes.AddRange(indexed.Select(id => (Task)database.KeyExpireAsync(Keys.PresenceShare(id, ServerId), ShareTtl)));
        if (gone.Length > 0)
        {
            writes.Add(database.SetRemoveAsync(Keys.PresenceServerOrganizations(ServerId), [.. gone.Select(id => (RedisValue)id)]));
        }

        await Task.WhenAll(writes).ConfigureAwait(false);
        await SweepAsync(database, now).ConfigureAwait(false);
    }

    /// <summary>Lists the organizations of <paramref name="organizationIds"/> under this server before it writes a share there.</summary>
    private async Task IndexAsync(IDatabase database, IEnumerable<string> organizationIds)
    {
        string[] added;
        lock (_gate)
        {
            added = [.. organizationIds.Where(_indexed.Add)];
        }

        if (added.Length == 0)
        {
            return;
        }

        try
        {
            // No expiry: if every server is down for long, the first to start finds here what to settle.
            await database.SetAddAsync(Keys.PresenceServerOrganizations(ServerId), [.. added.Select(id => (RedisValue)id)]).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _indexed.ExceptWith(added);
            }

            throw;
        }
    }

    /// <summary>Settles the shares of servers that stopped renewing and that the registry no longer counts live.</summary>
    private async Task SweepAsync(IDatabase database, DateTimeOffset now)
    {
        var due = await database.SortedSetRangeByScoreAsync(Keys.PresenceServers, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), take: SweepBatch).ConfigureAwait(false);
        var candidates = due.Select(value => value.ToString()).Where(id => id != ServerId && IsServerId(id)).ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var live = await registry.ReadOtherServersAsync(database, CancellationToken.None).ConfigureAwait(false);
        foreach (var dead in candidates.Where(id => !live.Contains(id, StringComparer.Ordinal)))
        {
            var organizations = await database.SetMembersAsync(Keys.PresenceServerOrganizations(dead)).ConfigureAwait(false);
            var scopes = 0;
            foreach (var organizationId in organizations.Select(value => value.ToString()).Where(id => TenantIds.IsValid(id, TenantIds.MaxSupportedLength)))
            {
                scopes += await SettleAsync(database, organizationId, dead, live, now).ConfigureAwait(false);
            }

            // Last, so a sweep cut short is done again by the next one (settling twice announces nothing twice).
            await database.KeyDeleteAsync(Keys.PresenceServerOrganizations(dead)).ConfigureAwait(false);
            await database.SortedSetRemoveAsync(Keys.PresenceServers, dead).ConfigureAwait(false);
            RedisLog.PresenceServerSettled(logger, dead, organizations.Length, scopes);
        }
    }

    /// <summary>Every scope of one organization: its users on no live server leave, and the dead server's share goes.</summary>
    private async Task<int> SettleAsync(IDatabase database, string organizationId, string dead, string[] live, DateTimeOffset now)
    {
        var batch = new PresenceBatch(organizationId);
        foreach (var name in await database.SetMembersAsync(Keys.PresenceScopes(organizationId)).ConfigureAwait(false))
        {
            if (PresenceMember.TryParse(organizationId, name.ToString(), out var scope))
            {
                batch.Settle(scope);
            }
        }

        if (batch.Scopes.Count > 0)
        {
            await RunAsync(database, batch, live, now).ConfigureAwait(false);
        }

        await database.KeyDeleteAsync(Keys.PresenceShare(organizationId, dead)).ConfigureAwait(false);
        return batch.Scopes.Count;
    }

    private bool HasDue(string organizationId) =>
        _checks.UnorderedItems.Any(item => item.Element.Room.OrganizationId == organizationId) ||
        _releases.Keys.Any(scope => scope.OrganizationId == organizationId);

    // Server ids are Guid "N" strings; anything else in the set was not written by this package.
    private static bool IsServerId(string id) => id.Length == 32 && Guid.TryParseExact(id, "N", out _);
}
