using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>The tokens every target verifies on connect (the same claims for all of them).</summary>
internal static class Jwt
{
    public const string Issuer = "tenantrealtime-bench";
    public const string Audience = "tenantrealtime-bench";
    public const string DefaultKey = "tenantrealtime-bench-signing-key-0123456789abcdef";

    public static string Mint(string key, string userId, string organizationId, string? tenantId, string role = "member") =>
        Hs256Jwt.Mint(key, Issuer, Audience, Hs256Jwt.IdentityClaims(userId, organizationId, tenantId, role), TimeSpan.FromHours(1));
}
