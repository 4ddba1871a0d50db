using StackExchange.Redis;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// Reads: this server's share from memory plus every other live server's share from Redis. Values from Redis are
/// data, not identity: ids that are not well-formed and counts that are not positive integers are ignored.
/// </summary>
internal sealed partial class RedisConnectionRegistry
{
    public async ValueTask<long> CountAsync(string? organizationId = null, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var local = _local.CountOf(organizationId, tenantId);
        if (!IsQueryable(organizationId) || !IsQueryable(tenantId))
        {
            // No such id can have connections (and it must never be spliced into a key).
            return local;
        }

        var (database, servers) = await GetOtherServersAsync(cancellationToken).ConfigureAwait(false);
        return local + await CountElsewhereAsync(database, servers, organizationId, tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What <see cref="CountAsync(string?, string?, CancellationToken)"/> counts, for a caller that has already read the other live servers (the presence
    /// read): one field per server, no second read of the server set. The ids must be queryable.
    /// </summary>
    internal async Task<long> CountAsync(IDatabase database, string[] otherServers, string organizationId, string? tenantId, CancellationToken cancellationToken) =>
        _local.CountOf(organizationId, tenantId) +
        await CountElsewhereAsync(database, otherServers, organizationId, tenantId, cancellationToken).ConfigureAwait(false);

    private async Task<long> CountElsewhereAsync(IDatabase database, string[] servers, string? organizationId, string? tenantId, CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(servers.Select(server =>
            organizationId is null ? database.HashGetAsync(Keys.Server(server), RedisKeys.TotalField)
            : tenantId is null ? database.HashGetAsync(Keys.Server(server), organizationId)
            : database.HashGetAsync(Keys.Organization(server, organizationId), tenantId))).WaitAsync(cancellationToken).ConfigureAwait(false);
        return counts.Sum(ParseCount);
    }

    public async ValueTask<ConnectionSnapshot> GetSnapshotAsync(string? organizationId = null, CancellationToken cancellationToken = default)
    {
        var local = _local.Snapshot(organizationId);
        if (!IsQueryable(organizationId))
        {
            return local;
        }

        var merged = new SnapshotBuilder(local);
        var (database, servers) = await GetOtherServersAsync(cancellationToken).ConfigureAwait(false);
        if (organizationId is not null)
        {
            var hashes = await Task.WhenAll(servers.Select(server => database.HashGetAllAsync(Keys.Organization(server, organizationId))))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var hash in hashes)
            {
                merged.AddOrganization(organizationId, hash);
            }

            return merged.Build(totalOfOrganizations: true);
        }

        var tops = await Task.WhenAll(servers.Select(server => database.HashGetAllAsync(Keys.Server(server))))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var reads = new List<(string OrganizationId, Task<HashEntry[]> Hash)>();
        for (var i = 0; i < servers.Length; i++)
        {
            foreach (var entry in tops[i])
            {
                var name = entry.Name.ToString();
                if (name == RedisKeys.TotalField)
                {
                    merged.AddTotal(ParseCount(entry.Value));
                }
                else if (IsQueryable(name) && ParseCount(entry.Value) > 0)
                {
                    reads.Add((name, database.HashGetAllAsync(Keys.Organization(servers[i], name))));
                }
            }
        }

        await Task.WhenAll(reads.Select(r => r.Hash)).WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (id, hash) in reads)
        {
            merged.AddOrganization(id, hash.Result);
        }

        return merged.Build(totalOfOrganizations: false);
    }

    /// <summary>The ids of the other servers whose share still counts, and the database to read them from.</summary>
    private async Task<(IDatabase Database, string[] Servers)> GetOtherServersAsync(CancellationToken cancellationToken)
    {
        if (_policy.IsKnownDown)
        {
            // Fail fast instead of waiting for StackExchange.Redis's timeout; a partial count would be a wrong answer.
            throw new TenantRealtimeUnavailableException("The cluster-wide connection counts are unavailable: Redis is not connected.");
        }

        var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        return (database, await ReadOtherServersAsync(database, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The ids of the other servers whose share still counts (score in the future).</summary>
    internal async Task<string[]> ReadOtherServersAsync(IDatabase database, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var members = await database.SortedSetRangeByScoreAsync(Keys.Servers, now, double.PositiveInfinity, Exclude.Start)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. members.Select(m => m.ToString()).Where(id => !string.Equals(id, ServerId, StringComparison.Ordinal) && IsServerId(id))];
    }

    private static bool IsQueryable(string? id) => id is null || TenantIds.IsValid(id, TenantIds.MaxSupportedLength);

    // Server ids are Guid "N" strings; anything else in the set was not written by this package.
    private static bool IsServerId(string id) => id.Length == 32 && Guid.TryParseExact(id, "N", out _);

    internal static long ParseCount(RedisValue value) => value.TryParse(out long count) && count > 0 ? count : 0;
}
