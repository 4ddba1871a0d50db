using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// The connection lifecycle's one call into presence: counts a connection in this server's share and tells the store,
/// which decides whether anyone comes online or goes. Nothing at all happens while presence is off.
/// </summary>
internal sealed class PresenceTracker(LocalPresence local, IPresenceStore store, IOptionsMonitor<TenantRealtimeOptions> options, TimeProvider time)
{
    public void Connected(ConnectionState state)
    {
        var settings = options.CurrentValue;
        if (!settings.EnablePresence || state.Identity is not { } identity)
        {
            return;
        }

        local.Add(identity, DisplayNames.Of(state.Context.User, settings.PresenceDisplayNameClaimType), time.GetUtcNow());
        Changed(identity);
    }

    public void Disconnected(ConnectionState state)
    {
        if (options.CurrentValue.EnablePresence && state.Identity is { } identity && local.Remove(identity))
        {
            Changed(identity);
        }
    }

    private void Changed(TenantIdentity identity)
    {
        foreach (var scope in PresenceRoom.Of(identity.OrganizationId, identity.TenantId))
        {
            store.Changed(scope, identity.UserId);
        }
    }
}
