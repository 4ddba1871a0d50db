namespace TenantRealtime.Connections.Internal;

/// <summary>
/// What a connecting identity's caps are checked against: <see cref="TenantRealtimeOptions.MaxConnectionsPerTenant"/>
/// and <see cref="TenantRealtimeOptions.MaxConnectionsPerUser"/>. In memory that is this server; the Redis package
/// adds the other servers' shares.
/// </summary>
internal interface IConnectionCapCounts
{
    /// <summary>
    /// Counts the connections of <paramref name="identity"/>'s tenant (this server's and, as far as known, every other
    /// server's) and of its user on the other servers; this server's own connections of the user are counted exactly
    /// by <see cref="LocalConnectionStore.TryAdd"/>. Answers promptly: it never waits long on anything remote.
    /// </summary>
    ValueTask<CapCounts> CountAsync(TenantIdentity identity, CancellationToken cancellationToken);
}

/// <summary>The counts a connect checks its caps against (see <see cref="IConnectionCapCounts.CountAsync"/>).</summary>
/// <param name="TenantConnections">The tenant's connections on every server known; 0 for an identity without a tenant.</param>
/// <param name="UserConnectionsElsewhere">The user's connections on the other servers.</param>
internal readonly record struct CapCounts(long TenantConnections, long UserConnectionsElsewhere);
