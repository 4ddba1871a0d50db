using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TenantRealtime.BenchShared;

/// <summary>
/// Mints HS256 JWTs by hand (base64url header and payload, HMAC-SHA256 signature), as the dev and test identity
/// providers do. One implementation, linked into the bench's load client and the tests (<c>TestJwt</c>, the
/// sample's <c>TestTokens</c>). It needs no IdentityModel package, so the load client stays free of one.
/// </summary>
internal static class Hs256Jwt
{
    /// <summary>The identity claims the library reads (the wire contract's "Identity"); a null one is left out.</summary>
    public static Dictionary<string, object> IdentityClaims(string? userId, string? organizationId, string? tenantId, string? role)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (type, value) in new[] { ("sub", userId), ("org_id", organizationId), ("tenant_id", tenantId), ("role", role) })
        {
            if (value is not null)
            {
                claims[type] = value;
            }
        }

        return claims;
    }

    /// <summary>A token with <paramref name="claims"/> plus <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>nbf</c> and <c>exp</c>.</summary>
    public static string Mint(string key, string issuer, string audience, IReadOnlyDictionary<string, object> claims, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>(claims, StringComparer.Ordinal)
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = now,

            // A minute back, so a verifier whose clock lags a little (or that allows no skew) accepts it at once.
            ["nbf"] = now - 60,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        };
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Base64Url(signature)}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
