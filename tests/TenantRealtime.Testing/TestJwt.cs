using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace TenantRealtime.Testing;

/// <summary>Signs real JWTs with a test key, as an identity provider would.</summary>
public static class TestJwt
{
    public const string Issuer = "tenantrealtime-tests";
    public const string Audience = "tenantrealtime-tests";

    /// <summary>The signing key as an app reads it from configuration (e.g. <c>Jwt:Key</c>).</summary>
    public const string KeyText = "tenantrealtime-tests-signing-key-0123456789abcdef";

    public static SymmetricSecurityKey Key { get; } = new(Encoding.UTF8.GetBytes(KeyText));

    /// <summary>A token with the contract's claims; pass null to leave a claim out.</summary>
    public static string Create(string? userId, string? organizationId, string? tenantId = null, string? role = "member", TimeSpan? lifetime = null, params Claim[] extra)
    {
        var claims = new List<Claim>();
        AddIfPresent(claims, "sub", userId);
        AddIfPresent(claims, "org_id", organizationId);
        AddIfPresent(claims, "tenant_id", tenantId);
        AddIfPresent(claims, "role", role);
        claims.AddRange(extra);
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken(
            Issuer,
            Audience,
            claims,
            notBefore: now.AddMinutes(-1),
            expires: now + (lifetime ?? TimeSpan.FromHours(1)),
            signingCredentials: new SigningCredentials(Key, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    public static TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key,
        ClockSkew = TimeSpan.Zero,
    };

    private static void AddIfPresent(List<Claim> claims, string type, string? value)
    {
        if (value is not null)
        {
            claims.Add(new Claim(type, value));
        }
    }
}
