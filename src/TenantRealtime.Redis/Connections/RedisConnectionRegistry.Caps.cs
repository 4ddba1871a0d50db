using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// What the caps are checked against at connect: this server's connections from memory, the other servers' shares of
/// the tenant and of the user from Redis. Fail-open: a connect never waits on Redis longer than
/// <see cref="CapsReadTimeout"/>, and while Redis is unreachable, slow or failing the other servers' shares are the
/// ones this server read last (<see cref="RememberedShares"/>), or none. Once a read has timed out or failed, later
/// connects do not wait at all: one read at a time in the background finds out when Redis answers again.
/// </summary>
internal sealed partial class RedisConnectionRegistry
{
    /// <summary>Ample for two round trips to a healthy Redis; a hung one holds a connect about this long, never more.</summary>
    internal static readonly TimeSpan CapsReadTimeout = TimeSpan.FromSeconds(1);

    // 1 while caps are checked without Redis: logged once when that starts and once when it ends.
    private int _checkingLocally;
    private int _probing;
    private string _lastFailure = "disconnected";

    async ValueTask<CapCounts> IConnectionCapCounts.CountAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var tenantHere = identity.TenantId is { } tenantId
            ? _local.CountOf(identity.OrganizationId, tenantId)
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

        // Down, slow or failing at the last read: this connect does not wait to learn whether Redis answers again.
        if (Volatile.Read(ref _checkingLocally) == 1 && !_policy.IsKnownDown)
        {
            ProbeInBackground(identity);
            return CountLocally(identity, Volatile.Read(ref _lastFailure), exception: null);
        }

        var call = await ReadBoundedAsync(identity, cancellationToken).ConfigureAwait(false);
        if (call.Answered)
        {
            var counts = call.Result<ElsewhereCounts>();
            Answered(identity, counts);
            return counts;
        }

        return CountLocally(identity, call.Reason, call.Failure);
    }

    /// <summary>Reads the identity's shares once, at most one read at a time, to learn whether Redis answers again.</summary>
    private void ProbeInBackground(TenantIdentity identity)
    {
        if (Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                // Still unreachable otherwise: a later connect tries again.
                if (await ReadBoundedAsync(identity, CancellationToken.None).ConfigureAwait(false) is { Answered: true } call)
                {
                    Answered(identity, call.Result<ElsewhereCounts>());
                }
            }
            finally
            {
                Volatile.Write(ref _probing, 0);
            }
        });
    }

    private ValueTask<RedisCall> ReadBoundedAsync(TenantIdentity identity, CancellationToken cancellationToken) =>
        _policy.RunAsync((this, identity, cancellationToken), static s => s.Item1.ReadElsewhereAsync(s.identity, s.cancellationToken), CapsReadTimeout, cancellationToken: cancellationToken);

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

    private void Answered(TenantIdentity identity, ElsewhereCounts counts)
    {
        _remembered.Remember(identity, counts);
        if (Interlocked.Exchange(ref _checkingLocally, 0) == 1)
        {
            RedisLog.CapsCheckedInRedisAgain(_logger);
        }
    }

    private ElsewhereCounts CountLocally(TenantIdentity identity, string reason, Exception? exception)
    {
        _metrics.CheckedLocally(reason);
        Volatile.Write(ref _lastFailure, reason);
        if (Interlocked.Exchange(ref _checkingLocally, 1) == 0)
        {
            RedisLog.CapsCheckedLocally(_logger, reason, exception);
        }

        return _remembered.Recall(identity);
    }
}
