using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TenantRealtime.Bench;

/// <summary>Mints the HS256 tokens every target verifies on connect (the same claims for all of them).</summary>
internal static class Jwt
{
    public const string Issuer = "tenantrealtime-bench";
    public const string Audience = "tenantrealtime-bench";
    public const string DefaultKey = "tenantrealtime-bench-signing-key-0123456789abcdef";

    public static string Mint(string key, string userId, string organizationId, string? tenantId, string role = "member")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId,
            ["org_id"] = organizationId,
            ["role"] = role,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + 3600,
        };
        if (tenantId is not null)
        {
            claims["tenant_id"] = tenantId;
        }

        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
