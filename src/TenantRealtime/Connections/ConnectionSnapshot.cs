namespace TenantRealtime;

/// <summary>Connection counts, shaped as the <c>/api/websocket/info</c> response of the wire contract.</summary>
/// <param name="Connections">The total number of connections in the snapshot's scope.</param>
/// <param name="Organizations">The organizations with at least one connection, ordered by id.</param>
public sealed record ConnectionSnapshot(long Connections, IReadOnlyList<OrganizationConnections> Organizations);

/// <summary>The connections of one organization.</summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="Connections">Its number of connections, tenant or not.</param>
/// <param name="Tenants">Its tenants with at least one connection, ordered by id.</param>
public sealed record OrganizationConnections(string OrganizationId, long Connections, IReadOnlyList<TenantConnections> Tenants);

/// <summary>The connections of one tenant.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Connections">Its number of connections.</param>
public sealed record TenantConnections(string TenantId, long Connections);
