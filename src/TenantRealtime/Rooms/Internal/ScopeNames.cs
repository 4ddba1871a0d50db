using Scopes = TenantRealtime.TenantRealtimeWire.Scopes;

namespace TenantRealtime.Rooms.Internal;

/// <summary>The wire spelling of <see cref="BroadcastScope"/> (<see cref="TenantRealtimeWire.Scopes"/>), without per-call allocations.</summary>
internal static class ScopeNames
{
    public static string Of(BroadcastScope scope) => scope switch
    {
        BroadcastScope.All => Scopes.All,
        BroadcastScope.Organization => Scopes.Organization,
        BroadcastScope.Tenant => Scopes.Tenant,
        BroadcastScope.User => Scopes.User,
        BroadcastScope.Topic => Scopes.Topic,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };
}
