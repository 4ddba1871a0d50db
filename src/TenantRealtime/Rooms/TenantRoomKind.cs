namespace TenantRealtime;

/// <summary>The kinds of room a connection can be in.</summary>
public enum TenantRoomKind
{
    /// <summary>Everyone of one organization: <c>org:{organizationId}</c>.</summary>
    Organization,

    /// <summary>Everyone of one tenant of one organization: <c>tenant:{organizationId}:{tenantId}</c>.</summary>
    Tenant,

    /// <summary>The connections of one user: <c>user:{organizationId}:{userId}</c>.</summary>
    User,

    /// <summary>The admins of one organization, who see every tenant of it: <c>org-admins:{organizationId}</c>.</summary>
    OrganizationAdmins,

    /// <summary>The subscribers of one topic of a tenant: <c>topic:{organizationId}:{tenantId}:{topic}</c>.</summary>
    TenantTopic,

    /// <summary>The subscribers of one topic of an organization: <c>org-topic:{organizationId}:{topic}</c>.</summary>
    OrganizationTopic,
}
