using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Client;
using TenantRealtime.Testing;

namespace TenantRealtime.Client.Tests;

/// <summary>
/// A client whose every (re)connect goes to the server the test points at (<see cref="Target"/>), skipping
/// negotiation, and whose socket the test can cut (<see cref="Socket"/>): a server switch as a load balancer makes it.
/// </summary>
internal sealed class SwitchingServers(RealtimeNode first, TestUser user)
{
    private readonly Uri _firstHubUrl = first.HubUrl;

    public RealtimeNode Target { get; set; } = first;

    /// <summary>Gets the socket of the latest connect.</summary>
    public ClientWebSocket? Socket { get; private set; }

    public TenantRealtimeClientOptions Options() => new()
    {
        HubUrl = _firstHubUrl,
        AccessTokenProvider = () => Task.FromResult<string?>(user.Token()),
        ConfigureConnection = builder => builder.Services.Configure<HttpConnectionOptions>(http =>
        {
            http.SkipNegotiation = true;
            http.Transports = HttpTransportType.WebSockets;
            http.WebSocketFactory = async (_, cancellationToken) =>
            {
                var ws = new ClientWebSocket();
                ws.Options.SetRequestHeader("Authorization", $"Bearer {user.Token()}");
                await ws.ConnectAsync(new UriBuilder(Target.HubUrl) { Scheme = "ws" }.Uri, cancellationToken);
                Socket = ws;
                return ws;
            };
        }),
    };
}
