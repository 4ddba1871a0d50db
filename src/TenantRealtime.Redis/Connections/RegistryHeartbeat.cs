using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// Keeps this server's share of the cluster-wide counts in Redis: its <see cref="WriteLoop"/> writes the organizations
/// and users that changed (marked by <see cref="MarkDirty"/>) as soon as it can, and rewrites the whole share and renews
/// this server's liveness every <see cref="TenantRealtimeRedisOptions.HeartbeatInterval"/> (which also heals a Redis
/// that lost its data). A graceful stop removes the share at once; a crashed server's share expires after
/// <see cref="TenantRealtimeRedisOptions.ServerTimeout"/>.
/// </summary>
internal sealed class RegistryHeartbeat(
    LocalConnectionStore local,
    SharedRedisConnection connection,
    string serverId,
    TenantRealtimeRedisOptions options,
    TimeProvider time,
    ILogger logger) : ILoopWriter, IAsyncDisposable
{
    private readonly WriteLoop _loop = new(connection, options.HeartbeatInterval, time);
    private readonly Lock _gate = new();
    // Replaced, not cleared, after each write: a cleared set keeps the capacity of its largest burst (a connect storm).
    private HashSet<string> _dirty = new(StringComparer.Ordinal);
    private HashSet<(string OrganizationId, string UserId)> _dirtyUsers = [];

    // Organizations whose key may exist in Redis; a superset, so a failed delete is retried on the next heartbeat.
    private readonly HashSet<string> _published = new(StringComparer.Ordinal);

    private RedisKeys Keys => connection.Keys;

    /// <summary>Notes that this server's count of <paramref name="identity"/>'s organization and user (and its total) changed.</summary>
    public void MarkDirty(TenantIdentity? identity)
    {
        if (identity is not null)
        {
            lock (_gate)
            {
                _dirty.Add(identity.OrganizationId);
                _dirtyUsers.Add((identity.OrganizationId, identity.UserId));
            }
        }

        // The total changes on every call, so there is always something to write.
        _loop.Changed();
    }

    public void Start() => _loop.Start(this);

    /// <summary>Stops writing and removes this server's share at once, so a graceful stop never leaves counts behind.</summary>
    /// <remarks>With Redis down the share simply expires after <see cref="TenantRealtimeRedisOptions.ServerTimeout"/>.</remarks>
    public Task StopAsync(CancellationToken cancellationToken) => _loop.StopAsync(cancellationToken);

    Task ILoopWriter.WriteAsync(bool heartbeat, bool afterFailure) => heartbeat ? WriteAllAsync() : WriteDirtyAsync();

    DateTimeOffset ILoopWriter.NextDue(DateTimeOffset heartbeat) => heartbeat;

    Task ILoopWriter.StopWriteAsync() => RemoveShareAsync();

    void ILoopWriter.Failing(Exception exception) => RedisLog.RegistryWriteFailed(logger, exception);

    void ILoopWriter.Restored() => RedisLog.RegistryWriteRestored(logger);

    void ILoopWriter.StopWriteFailed(Exception exception) => RedisLog.RegistryRemoveFailed(logger, exception);

    /// <summary>Rewrites the whole share and renews liveness: O(organizations + tenants + users of this server).</summary>
    private async Task WriteAllAsync()
    {
        lock (_gate)
        {
            _dirty = new(StringComparer.Ordinal);
            _dirtyUsers = [];
        }

        var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var snapshot = local.Snapshot();
        var current = snapshot.Organizations.Select(o => o.OrganizationId).ToHashSet(StringComparer.Ordinal);
        string[] gone;
        lock (_gate)
        {
            gone = [.. _published.Where(id => !current.Contains(id))];
            _published.UnionWith(current);
        }

        var ttl = options.ServerTimeout;
        var server = Keys.Server(serverId);
        var writes = new List<Task>();
        var top = database.CreateTransaction();
        _ = top.KeyDeleteAsync(server);
        _ = top.HashSetAsync(server, [new(RedisKeys.TotalField, snapshot.Connections), .. snapshot.Organizations.Select(o => new HashEntry(o.OrganizationId, o.Connections))]);
        _ = top.KeyExpireAsync(server, ttl);
        writes.Add(top.ExecuteAsync());
        foreach (var organization in snapshot.Organizations)
        {
            writes.Add(WriteUsers(database, organization.OrganizationId, ttl));
            writes.Add(WriteOrganization(database, organization, ttl));
        }

        writes.AddRange(gone.SelectMany(id => new[]
        {
            database.KeyDeleteAsync(Keys.OrganizationUsers(serverId, id)),
            database.KeyDeleteAsync(Keys.Organization(serverId, id)),
        }));

        // Liveness last: a server becomes visible only with its counts in place.
        writes.Add(database.SortedSetAddAsync(Keys.Servers, serverId, ExpiryScore()));

        // Servers that died long ago: their keys expired already; drop them from the set too.
        writes.Add(database.SortedSetRemoveRangeByScoreAsync(Keys.Servers, double.NegativeInfinity, time.GetUtcNow().ToUnixTimeMilliseconds() - ttl.TotalMilliseconds));
        await Task.WhenAll(writes).ConfigureAwait(false);
        lock (_gate)
        {
            _published.ExceptWith(gone);
        }
    }

    /// <summary>Writes the users and organizations that changed since the last write, and the server's total.</summary>
    private async Task WriteDirtyAsync()
    {
        string[] dirty;
        (string OrganizationId, string UserId)[] dirtyUsers;
        lock (_gate)
        {
            dirty = [.. _dirty];
            dirtyUsers = [.. _dirtyUsers];
            _dirty = new(StringComparer.Ordinal);
            _dirtyUsers = [];
            _published.UnionWith(dirty);
        }

        try
        {
            var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            var ttl = options.ServerTimeout;
            var server = Keys.Server(serverId);

            var writes = WriteUserChanges(database, dirtyUsers, ttl);
            writes.Add(database.HashSetAsync(server, RedisKeys.TotalField, local.CountOf()));
            foreach (var organizationId in dirty)
            {
                var snapshot = local.Snapshot(organizationId);
                if (snapshot.Organizations is [var organization])
                {
                    writes.Add(database.HashSetAsync(server, organizationId, organization.Connections));
                    writes.Add(WriteOrganization(database, organization, ttl));
                }
                else
                {
                    writes.Add(database.HashDeleteAsync(server, organizationId));
                    writes.Add(database.KeyDeleteAsync(Keys.Organization(serverId, organizationId)));
                }
            }

            writes.Add(database.KeyExpireAsync(server, ttl));
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _dirty.UnionWith(dirty);
                _dirtyUsers.UnionWith(dirtyUsers);
            }

            throw;
        }
    }

    /// <summary>
    /// One field per changed user (set, or deleted at zero: the hash goes when its last field does), then the hash's
    /// expiry: O(changes), however many users the organization has here.
    /// </summary>
    private List<Task> WriteUserChanges(IDatabase database, (string OrganizationId, string UserId)[] changed, TimeSpan ttl)
    {
        var writes = new List<Task>();
        foreach (var organization in changed.GroupBy(user => user.OrganizationId, StringComparer.Ordinal))
        {
            var key = Keys.OrganizationUsers(serverId, organization.Key);
            foreach (var (organizationId, userId) in organization)
            {
                var count = local.ConnectionsOf(organizationId, userId);
                writes.Add(count > 0 ? database.HashSetAsync(key, userId, count) : database.HashDeleteAsync(key, userId));
            }

            writes.Add(database.KeyExpireAsync(key, ttl));
        }

        return writes;
    }

    /// <summary>Replaces one organization's hash of users atomically, or deletes it when none is connected here.</summary>
    private Task<bool> WriteUsers(IDatabase database, string organizationId, TimeSpan ttl)
    {
        var key = Keys.OrganizationUsers(serverId, organizationId);
        var counts = local.UsersOf(organizationId);
        if (counts.Length == 0)
        {
            return database.KeyDeleteAsync(key);
        }

        var transaction = database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(key);
        _ = transaction.HashSetAsync(key, [.. counts.Select(user => new HashEntry(user.Key, user.Value))]);
        _ = transaction.KeyExpireAsync(key, ttl);
        return transaction.ExecuteAsync();
    }

    /// <summary>Replaces one organization's hash atomically, so a reader never sees half of it.</summary>
    private Task<bool> WriteOrganization(IDatabase database, OrganizationConnections organization, TimeSpan ttl)
    {
        var key = Keys.Organization(serverId, organization.OrganizationId);
        var transaction = database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(key);
        _ = transaction.HashSetAsync(key, [new(RedisKeys.TotalField, organization.Connections), .. organization.Tenants.Select(t => new HashEntry(t.TenantId, t.Connections))]);
        _ = transaction.KeyExpireAsync(key, ttl);
        return transaction.ExecuteAsync();
    }

    private async Task RemoveShareAsync()
    {
        if (!connection.IsStarted)
        {
            return;
        }

        if (connection.IsKnownDown)
        {
            throw WriteLoop.NotConnected;
        }

        string[] published;
        lock (_gate)
        {
            published = [.. _published];
        }

        var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();

        // Out of the live set first, so readers stop counting this server before its keys go.
        await database.SortedSetRemoveAsync(Keys.Servers, serverId).ConfigureAwait(false);
        await Task.WhenAll(published
            .SelectMany(id => new[] { database.KeyDeleteAsync(Keys.OrganizationUsers(serverId, id)), database.KeyDeleteAsync(Keys.Organization(serverId, id)) })
            .Append(database.KeyDeleteAsync(Keys.Server(serverId)))).ConfigureAwait(false);
    }

    private double ExpiryScore() => (time.GetUtcNow() + options.ServerTimeout).ToUnixTimeMilliseconds();

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
