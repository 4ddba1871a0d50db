using TenantRealtime;

namespace SampleHost.Auth;

/// <summary>
/// Who is calling the REST API, from the validated token only. Every read and write is decided here, so the
/// rules of the wire contract ("REST") live in one place.
/// </summary>
internal sealed record Caller(string UserId, string OrganizationId, string? TenantId, string Role)
{
    /// <summary>Admins (and platform admins) see and write every tenant of their organization.</summary>
    public bool IsAdmin => Role is TenantRoles.Admin or TenantRoles.PlatformAdmin;

    public bool IsPlatformAdmin => Role == TenantRoles.PlatformAdmin;

    /// <summary>The tenant a new resource belongs to when the body does not say: a member's own, an admin's none (org-wide).</summary>
    public string? DefaultTenantId => IsAdmin ? null : TenantId;

    /// <summary>Org-wide resources and the caller's tenant's; admins: everything in their organization.</summary>
    public bool CanRead(string organizationId, string? tenantId) =>
        organizationId == OrganizationId && (tenantId is null || IsAdmin || tenantId == TenantId);

    /// <summary>Members: their own tenant's resources only; admins: org-wide ones and any tenant's of their organization.</summary>
    public bool CanWrite(string organizationId, string? tenantId) =>
        organizationId == OrganizationId && (IsAdmin || (tenantId is not null && tenantId == TenantId));

    public static Caller From(TenantIdentity identity) =>
        new(identity.UserId, identity.OrganizationId, identity.TenantId, identity.Role);

    /// <summary>Minimal API binding: the identity was checked and stored when the token was validated.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Items[typeof(Caller)] as Caller);
}
