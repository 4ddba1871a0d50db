using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SampleHost.Auth;

/// <summary>Signs one-hour demo tokens with the configured key. Only reachable through the Development-only route.</summary>
internal sealed class DevTokenIssuer(AuthSettings settings, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The claim with the user's display name, shown by presence ("Online now").</summary>
    public const string NameClaim = "name";

    public string Issue(string userId, string organizationId, string? tenantId, string role, string? name = null)
    {
        var key = settings.SigningKey
            ?? throw new InvalidOperationException("Dev tokens need 'Auth:SigningKey'; with an external authority, get tokens from it.");
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = userId,
            ["org_id"] = organizationId,
            ["role"] = role,
        };
        if (tenantId is not null)
        {
            claims["tenant_id"] = tenantId;
        }

        if (name is not null)
        {
            claims[NameClaim] = name;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
