namespace TenantRealtime.Connections.Internal;

/// <summary>
/// This server's counts per organization and tenant, read from its index of connections (<see cref="LocalConnectionStore"/>),
/// which counts a connection when it is stored and uncounts it when it is removed. Reads cost O(organizations +
/// tenants), never O(connections), and churn leaves nothing behind.
/// </summary>
internal sealed class InMemoryConnectionRegistry(LocalConnectionStore store) : IConnectionRegistry
{
    /// <summary>Nothing to do: the store counted the connection when it stored it, just before the hub reports it here.</summary>
    public ValueTask AddAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to do: the store uncounted the connection when it removed it.</summary>
    public ValueTask RemoveAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> CountAsync(string? organizationId = null, string? tenantId = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(store.CountOf(organizationId, tenantId));

    public ValueTask<ConnectionSnapshot> GetSnapshotAsync(string? organizationId = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(store.Snapshot(organizationId));
}
