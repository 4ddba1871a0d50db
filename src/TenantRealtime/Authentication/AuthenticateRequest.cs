namespace TenantRealtime;

/// <summary>
/// What a client claims in the <c>Authenticate</c> hub method. Every value given is checked against the
/// server-side identity; none is ever trusted.
/// </summary>
/// <param name="UserId">The user id the client expects to be, or <see langword="null"/>.</param>
/// <param name="OrganizationId">The organization the client expects, or <see langword="null"/>.</param>
/// <param name="TenantId">The tenant the client expects, or <see langword="null"/>.</param>
/// <param name="UserRole">The role the client expects, or <see langword="null"/>.</param>
public sealed record AuthenticateRequest(string? UserId, string? OrganizationId, string? TenantId, string? UserRole);
