using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>
/// Who connection <c>j</c> of a run is: user <c>u{j}</c> of tenant <c>t{j % T}</c> in organization
/// <c>o{(j % T) / tenantsPerOrg}</c>, with the JWT every target verifies. The .NET load client and the stalled readers
/// mint it here; the Node clients the same way in bench/peers/load-client.js.
/// </summary>
internal sealed record LoadIdentity(int Tenants, int TenantsPerOrg, string Key)
{
    public static LoadIdentity From(CommandLine c) =>
        new(c.Int("tenants", 100), c.Int("tenants-per-org", 10), c.Get("jwt-key", BenchAuth.DefaultKey));

    public string TokenFor(int j)
    {
        var tenant = j % Tenants;
        var claims = Hs256Jwt.IdentityClaims($"u{j}", $"o{tenant / TenantsPerOrg}", $"t{tenant}", "member");
        return Hs256Jwt.Mint(Key, BenchAuth.Issuer, BenchAuth.Audience, claims, TimeSpan.FromHours(1));
    }
}
