namespace TenantRealtime.Recovery;

/// <summary>
/// The tenant hub's protocols, as the in-memory history needs them: broadcasts are kept as JSON bytes only when every
/// protocol is JSON. The composition root copies them from the hub's options, so this folder never names the hub.
/// </summary>
internal sealed class HubProtocolOptions
{
    /// <summary>Gets or sets the names of the hub's protocols (SignalR's <c>HubOptions.SupportedProtocols</c>).</summary>
    public IList<string>? SupportedProtocols { get; set; }
}
