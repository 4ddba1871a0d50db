namespace TenantRealtime;

/// <summary>
/// Who a connection is, as established on the server by an <see cref="IAuthenticator"/>.
/// Room membership is derived from this identity and never from what a client sends.
/// </summary>
/// <param name="UserId">The user id (the <c>sub</c> claim by default).</param>
/// <param name="OrganizationId">The one organization the user belongs to (the <c>org_id</c> claim by default).</param>
/// <param name="TenantId">The tenant within the organization, or <see langword="null"/> for an organization-wide user such as an admin.</param>
/// <param name="Role">The role, for example <see cref="TenantRoles.Member"/>, <see cref="TenantRoles.Admin"/> or <see cref="TenantRoles.PlatformAdmin"/>.</param>
public sealed record TenantIdentity(string UserId, string OrganizationId, string? TenantId, string Role);
