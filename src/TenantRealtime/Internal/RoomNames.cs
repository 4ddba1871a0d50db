namespace TenantRealtime.Internal;

/// <summary>
/// The one place room names are spelled. Callers pass validated ids, which cannot contain ':',
/// so every name maps back to exactly one (kind, ids) tuple.
/// </summary>
internal static class RoomNames
{
    public const string OrganizationPrefix = "org:";
    public const string TenantPrefix = "tenant:";
    public const string UserPrefix = "user:";
    public const string OrganizationAdminsPrefix = "org-admins:";

    public static string Organization(string organizationId) => string.Concat(OrganizationPrefix, organizationId);

    public static string Tenant(string organizationId, string tenantId) => string.Concat(TenantPrefix, organizationId, ":", tenantId);

    public static string User(string organizationId, string userId) => string.Concat(UserPrefix, organizationId, ":", userId);

    public static string OrganizationAdmins(string organizationId) => string.Concat(OrganizationAdminsPrefix, organizationId);
}
