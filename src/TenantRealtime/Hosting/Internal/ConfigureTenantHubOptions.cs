using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TenantRealtime.Hubs;
using TenantRealtime.Limits;

namespace TenantRealtime.Hosting.Internal;

/// <summary>
/// Applies TenantRealtime's limits to the tenant hub only, on top of the app's global SignalR options
/// (which SignalR copies into the per-hub options first).
/// </summary>
internal sealed class ConfigureTenantHubOptions(IOptions<TenantRealtimeOptions> options) : IConfigureOptions<HubOptions<TenantRealtimeHub>>
{
    public void Configure(HubOptions<TenantRealtimeHub> hub)
    {
        var o = options.Value;
        hub.MaximumReceiveMessageSize = o.MaximumReceiveMessageSize;
        hub.HandshakeTimeout = o.HandshakeTimeout;

        // Exceptions thrown by our hub are coded HubExceptions; details of anything else never reach the client.
        hub.EnableDetailedErrors = false;
        hub.AddFilter<InvocationLimitFilter>();
    }
}
