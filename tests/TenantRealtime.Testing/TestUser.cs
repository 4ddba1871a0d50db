namespace TenantRealtime.Testing;

/// <summary>A user of the test world, with the token its client connects with.</summary>
public sealed record TestUser(string UserId, string OrganizationId, string? TenantId, string Role)
{
    public string Token() => TestJwt.Create(UserId, OrganizationId, TenantId, Role);

    public override string ToString() => $"{UserId}@{OrganizationId}/{TenantId ?? "-"}({Role})";

    public static TestUser Member(string userId, string organizationId, string tenantId) => new(userId, organizationId, tenantId, TenantRoles.Member);

    public static TestUser Admin(string userId, string organizationId, string? tenantId = null) => new(userId, organizationId, tenantId, TenantRoles.Admin);

    public static TestUser PlatformAdmin(string userId, string organizationId) => new(userId, organizationId, null, TenantRoles.PlatformAdmin);
}
