using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using TenantRealtime.BenchShared;

namespace TenantRealtime.Testing;

/// <summary>
/// Signs real JWTs with a test key, as an identity provider would. Minting is <see cref="Hs256Jwt"/>
/// (bench/Shared), the one implementation the bench's load client uses too.
/// </summary>
public static class TestJwt
{
    public const string Issuer = "tenantrealtime-tests";
    public const string Audience = "tenantrealtime-tests";

    /// <summary>The signing key as an app reads it from configuration (e.g. <c>Jwt:Key</c>).</summary>
    public const string KeyText = "tenantrealtime-tests-signing-key-0123456789abcdef";

    public static SymmetricSecurityKey Key { get; } = new(Encoding.UTF8.GetBytes(KeyText));

    /// <summary>
    /// A token with the contract's claims; pass null to leave a claim out. <paramref name="extra"/> claims are added
    /// (one of a type given twice becomes an array; one of a contract claim's type replaces it).
    /// </summary>
    public static string Create(string? userId, string? organizationId, string? tenantId = null, string? role = "member", TimeSpan? lifetime = null, params Claim[] extra)
    {
        var claims = Hs256Jwt.IdentityClaims(userId, organizationId, tenantId, role);
        foreach (var group in extra.GroupBy(c => c.Type, StringComparer.Ordinal))
        {
            claims[group.Key] = group.Count() == 1 ? group.Single().Value : group.Select(c => c.Value).ToArray();
        }

        return Hs256Jwt.Mint(KeyText, Issuer, Audience, claims, lifetime ?? TimeSpan.FromHours(1));
    }

    public static TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key,
        ClockSkew = TimeSpan.Zero,
    };
}
