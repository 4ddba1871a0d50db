namespace TenantRealtime.Connections.Internal;

/// <summary>The default: the tenant as the <see cref="IConnectionRegistry"/> counts it, and no other servers.</summary>
internal sealed class RegistryCapCounts(IConnectionRegistry registry) : IConnectionCapCounts
{
    public async ValueTask<CapCounts> CountAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        var tenant = identity.TenantId is { } tenantId
            ? await registry.CountAsync(identity.OrganizationId, tenantId, cancellationToken).ConfigureAwait(false)
            : 0;
        return new CapCounts(tenant, UserConnectionsElsewhere: 0);
    }
}
