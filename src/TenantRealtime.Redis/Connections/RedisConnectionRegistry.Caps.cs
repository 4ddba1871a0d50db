using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// What the caps are checked against at connect: this server's connections from memory, the other servers' shares of
/// the tenant and of the user from Redis. Fail-open: a connect never waits on Redis longer than
/// <see cref="CapsReadTimeout"/>, and while Redis is unreachable, slow or failing the other servers' shares are the
/// ones this server read last (<see cref="RememberedShares"/>), or none.
/// </summary>
internal sealed partial class RedisConnectionRegistry
{
    /// <summary>Ample for two round trips to a healthy Redis; a hung one holds a connect about this long, never more.</summary>
    internal static readonly TimeSpan CapsReadTimeout = TimeSpan.FromSeconds(1);

    // 1 while caps are checked without Redis: logged once when that starts and once when it ends.
    private int _checkingLocally;

    async ValueTask<CapCounts> IConnectionCapCounts.CountAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var tenantHere = identity.TenantId is { } tenantId
            ? await _local.CountAsync(identity.OrganizationId, tenantId, cancellationToken).ConfigureAwait(false)
            : 0;
        var elsewhere = await CountElsewhereAsync(identity, cancellationToken).ConfigureAwait(false);
        return new CapCounts(tenantHere + elsewhere.Tenant, elsewhere.User);
    }

    private async Task<ElsewhereCounts> CountElsewhereAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        if (!IsQueryable(identity.OrganizationId) || !IsQueryable(identity.TenantId) || !IsQueryable(identity.UserId))
        {
            // Identities are validated before this, so it cannot happen; such an id must never be spliced into a key.
            return default;
        }

        // Known to be down: answer at once instead of waiting for the client library's timeout.
        if (_connection.IsStarted && !_connection.IsConnected)
        {
            return CountLocally(identity, "disconnected", exception: null);
        }

        var read = ReadElsewhereAsync(identity, cancellationToken);
        try
        {
            var counts = await read.WaitAsync(CapsReadTimeout, _time, cancellationToken).ConfigureAwait(false);
            _remembered.Remember(identity, counts);
            if (Interlocked.Exchange(ref _checkingLocally, 0) == 1)
            {
                RedisLog.CapsCheckedInRedisAgain(_logger);
            }

            return counts;
        }
        // The bounded wait's own timeout, or StackExchange.Redis's (RedisTimeoutException is a TimeoutException).
        catch (TimeoutException ex)
        {
            return CountLocally(identity, "timeout", ex);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            return CountLocally(identity, "failed", ex);
        }
        finally
        {
            // A read given up on may still fail later; observe it so nothing surfaces as an unobserved exception.
            if (!read.IsCompleted)
            {
                _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One round trip for the live servers, then one field per server for the user and one for the tenant, pipelined.</summary>
    private async Task<ElsewhereCounts> ReadElsewhereAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var servers = await ReadOtherServersAsync(database, cancellationToken).ConfigureAwait(false);
        var organizationId = identity.OrganizationId;
        var users = servers.Select(server => database.HashGetAsync(Keys.OrganizationUsers(server, organizationId), identity.UserId)).ToArray();
        var tenants = identity.TenantId is { } tenantId
            ? servers.Select(server => database.HashGetAsync(Keys.Organization(server, organizationId), tenantId)).ToArray()
            : [];
        var userCounts = await Task.WhenAll(users).WaitAsync(cancellationToken).ConfigureAwait(false);
        var tenantCounts = await Task.WhenAll(tenants).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new ElsewhereCounts(tenantCounts.Sum(ParseCount), userCounts.Sum(ParseCount));
    }

    private ElsewhereCounts CountLocally(TenantIdentity identity, string reason, Exception? exception)
    {
        _metrics.CheckedLocally(reason);
        if (Interlocked.Exchange(ref _checkingLocally, 1) == 0)
        {
            RedisLog.CapsCheckedLocally(_logger, reason, exception);
        }

        return _remembered.Recall(identity);
    }
}
