using System.ComponentModel.DataAnnotations;

namespace TenantRealtime;

/// <summary>Options for TenantRealtime. Validated when the app starts.</summary>
public sealed class TenantRealtimeOptions
{
    /// <summary>
    /// Gets or sets the claim type of the user id. The default is <c>sub</c>; when absent,
    /// <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/> is read (inbound claim mapping).
    /// </summary>
    [Required]
    public string UserIdClaimType { get; set; } = "sub";

    /// <summary>Gets or sets the claim type of the organization id. The default is <c>org_id</c>.</summary>
    [Required]
    public string OrganizationIdClaimType { get; set; } = "org_id";

    /// <summary>Gets or sets the claim type of the optional tenant id. The default is <c>tenant_id</c>.</summary>
    [Required]
    public string TenantIdClaimType { get; set; } = "tenant_id";

    /// <summary>
    /// Gets or sets the claim type of the role. The default is <c>role</c>; when absent,
    /// <see cref="System.Security.Claims.ClaimTypes.Role"/> is read.
    /// </summary>
    [Required]
    public string RoleClaimType { get; set; } = "role";

    /// <summary>Gets or sets the role of an identity whose token carries none. The default is <see cref="TenantRoles.Member"/>.</summary>
    [Required]
    public string DefaultRole { get; set; } = TenantRoles.Member;

    /// <summary>
    /// Gets the roles that see every tenant of their organization (the <c>org-admins:</c> room).
    /// The default is <see cref="TenantRoles.Admin"/> and <see cref="TenantRoles.PlatformAdmin"/>.
    /// </summary>
    public ISet<string> AdminRoles { get; } = new HashSet<string>(StringComparer.Ordinal) { TenantRoles.Admin, TenantRoles.PlatformAdmin };

    /// <summary>
    /// Gets the roles that may join other organizations with <c>JoinOrganization</c>.
    /// The default is <see cref="TenantRoles.PlatformAdmin"/> only.
    /// </summary>
    public ISet<string> CrossOrganizationRoles { get; } = new HashSet<string>(StringComparer.Ordinal) { TenantRoles.PlatformAdmin };

    /// <summary>
    /// Gets or sets whether connections without an authenticated user are accepted. They receive global broadcasts
    /// only. The default is <see langword="false"/>: unauthenticated connections are refused at negotiate (401), and
    /// startup fails when the app has no authentication configured.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Gets or sets the maximum length of an id from outside, 1 to 256. The default is 64.</summary>
    [Range(1, TenantIds.MaxSupportedLength)]
    public int MaxIdLength { get; set; } = TenantIds.DefaultMaxLength;
}
