namespace TenantRealtime.Connections.Internal;

/// <summary>
/// Counts this server's connections per organization and tenant. Reads cost O(organizations + tenants),
/// never O(connections); entries are removed when they reach zero so churn leaves nothing behind.
/// </summary>
internal sealed class InMemoryConnectionRegistry : IConnectionRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, OrganizationCount> _organizations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _connections = new(StringComparer.Ordinal);

    public ValueTask AddAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        TryAdd(connection);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        TryRemove(connection);
        return ValueTask.CompletedTask;
    }

    /// <summary>Counts a connection; false when it is counted already (so a caller keeping counts of its own adds once).</summary>
    public bool TryAdd(TenantConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            if (!_connections.Add(connection.ConnectionId))
            {
                return false;
            }

            Apply(connection.Identity, +1);
            return true;
        }
    }

    /// <summary>Stops counting a connection; false when it was not counted.</summary>
    public bool TryRemove(TenantConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            if (!_connections.Remove(connection.ConnectionId))
            {
                return false;
            }

            Apply(connection.Identity, -1);
            return true;
        }
    }

    public ValueTask<long> CountAsync(string? organizationId = null, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            long count = organizationId is null
                ? _connections.Count
                : !_organizations.TryGetValue(organizationId, out var organization) ? 0
                : tenantId is null ? organization.Connections
                : organization.Tenants.GetValueOrDefault(tenantId);
            return ValueTask.FromResult(count);
        }
    }

    public ValueTask<ConnectionSnapshot> GetSnapshotAsync(string? organizationId = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var organizations = _organizations
                .Where(pair => organizationId is null || string.Equals(pair.Key, organizationId, StringComparison.Ordinal))
                .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new OrganizationConnections(
                    pair.Key,
                    pair.Value.Connections,
                    [.. pair.Value.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new TenantConnections(t.Key, t.Value))]))
                .ToList();
            long total = organizationId is null ? _connections.Count : organizations.Sum(o => o.Connections);
            return ValueTask.FromResult(new ConnectionSnapshot(total, organizations));
        }
    }

    private void Apply(TenantIdentity? identity, int delta)
    {
        if (identity is null)
        {
            return;
        }

        if (!_organizations.TryGetValue(identity.OrganizationId, out var organization))
        {
            _organizations[identity.OrganizationId] = organization = new OrganizationCount();
        }

        organization.Connections += delta;
        if (identity.TenantId is { } tenantId)
        {
            var count = organization.Tenants.GetValueOrDefault(tenantId) + delta;
            if (count == 0)
            {
                organization.Tenants.Remove(tenantId);
            }
            else
            {
                organization.Tenants[tenantId] = count;
            }
        }

        if (organization.Connections == 0)
        {
            _organizations.Remove(identity.OrganizationId);
        }
    }

    private sealed class OrganizationCount
    {
        public long Connections { get; set; }

        public Dictionary<string, long> Tenants { get; } = new(StringComparer.Ordinal);
    }
}
