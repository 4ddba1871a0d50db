using System.Security.Claims;

namespace TenantRealtime.Testing;

/// <summary>A user of the test world, with the token its client connects with.</summary>
public sealed record TestUser(string UserId, string OrganizationId, string? TenantId, string Role)
{
    /// <summary>Gets a display name, sent as the <c>name</c> claim (presence shows it); none by default.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets more claims its token carries (for example <c>topics</c> patterns); one type given twice becomes an array.</summary>
    public IReadOnlyList<Claim> Claims { get; init; } = [];

    public string Token() => Token(lifetime: null);

    /// <summary>A token that expires <paramref name="lifetime"/> from now (negative: already expired).</summary>
    public string Token(TimeSpan? lifetime)
    {
        var claims = DisplayName is null ? Claims : [new Claim("name", DisplayName), .. Claims];
        return TestJwt.Create(UserId, OrganizationId, TenantId, Role, lifetime, [.. claims]);
    }

    public override string ToString() => $"{UserId}@{OrganizationId}/{TenantId ?? "-"}({Role})";

    public static TestUser Member(string userId, string organizationId, string tenantId) => new(userId, organizationId, tenantId, TenantRoles.Member);

    public static TestUser Admin(string userId, string organizationId, string? tenantId = null) => new(userId, organizationId, tenantId, TenantRoles.Admin);

    public static TestUser PlatformAdmin(string userId, string organizationId) => new(userId, organizationId, null, TenantRoles.PlatformAdmin);
}
