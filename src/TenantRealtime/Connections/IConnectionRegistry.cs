namespace TenantRealtime;

/// <summary>
/// Counts the live connections per organization and tenant. The hub reports connects and disconnects;
/// apps query it. In memory it counts this server; the Redis package makes it cluster-wide.
/// </summary>
public interface IConnectionRegistry
{
    /// <summary>Records a connection that has been authenticated and placed in its rooms. Called by the hub.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the connection is counted.</returns>
    ValueTask AddAsync(TenantConnection connection, CancellationToken cancellationToken);

    /// <summary>Forgets a connection that has ended. Called by the hub; removing an unknown connection does nothing.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the connection is no longer counted.</returns>
    ValueTask RemoveAsync(TenantConnection connection, CancellationToken cancellationToken);

    /// <summary>Counts connections: all of them, one organization's, or one tenant's.</summary>
    /// <param name="organizationId">An organization to count, or <see langword="null"/> for all connections.</param>
    /// <param name="tenantId">A tenant of <paramref name="organizationId"/> to count, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The number of live connections in that scope.</returns>
    ValueTask<long> CountAsync(string? organizationId = null, string? tenantId = null, CancellationToken cancellationToken = default);

    /// <summary>The connection counts per organization and tenant.</summary>
    /// <param name="organizationId">Only this organization, or <see langword="null"/> for every organization.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The counts; <see cref="ConnectionSnapshot.Connections"/> is the total in the requested scope.</returns>
    ValueTask<ConnectionSnapshot> GetSnapshotAsync(string? organizationId = null, CancellationToken cancellationToken = default);
}
