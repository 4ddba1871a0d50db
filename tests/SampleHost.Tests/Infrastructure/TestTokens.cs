using TenantRealtime.BenchShared;

namespace SampleHost.Tests.Infrastructure;

/// <summary>
/// Hand-made tokens, for the cases the dev token route refuses to issue (missing claims, bad ids, wrong key).
/// Minted by <see cref="Hs256Jwt"/>, the one dev-token minter the bench and <c>TestJwt</c> use too.
/// </summary>
public static class TestTokens
{
    /// <summary>The key in the sample's appsettings.Development.json.</summary>
    public const string DevelopmentKey = "tenantrealtime-sample-development-signing-key-not-a-secret";

    public static string Sign(Dictionary<string, object> claims, string key = DevelopmentKey) =>
        Hs256Jwt.Mint(key, "tenantrealtime-sample", "tenantrealtime-sample", claims, TimeSpan.FromMinutes(10));
}
