namespace TenantRealtime.BenchShared;

/// <summary>
/// How every bench target authenticates: the harness and load client mint tokens with these, the bench server
/// verifies them. Linked into both projects so the two cannot drift; the Node peers keep their own copy in
/// bench/peers/bench-args.js.
/// </summary>
internal static class BenchAuth
{
    public const string Issuer = "tenantrealtime-bench";
    public const string Audience = "tenantrealtime-bench";

    /// <summary>The signing key when <c>--jwt-key</c> is not given: a benchmark's, not a secret.</summary>
    public const string DefaultKey = "tenantrealtime-bench-signing-key-0123456789abcdef";

    public const string HubPath = "/hubs/realtime";
}
