namespace TenantRealtime.Rooms.Internal;

/// <summary>The wire spelling of <see cref="BroadcastScope"/>, without per-call allocations.</summary>
internal static class ScopeNames
{
    public static string Of(BroadcastScope scope) => scope switch
    {
        BroadcastScope.All => "all",
        BroadcastScope.Organization => "organization",
        BroadcastScope.Tenant => "tenant",
        BroadcastScope.User => "user",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };
}
