using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Tests.Hosting;

/// <summary>With AllowAnonymous, a custom authenticator can identify connections no authentication scheme knows.</summary>
public sealed class HeaderAuthenticationTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        UseJwtAuthentication = false,
        Configure = o => o.AllowAnonymous = true,
        Services = services => services.AddSingleton<IAuthenticator, HeaderAuthenticator>(),
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<RealtimeClient> ConnectAsync(string? key)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(_node.HubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                if (key is not null)
                {
                    o.Headers["X-Test-Key"] = key;
                }
            })
            .Build();
        var client = RealtimeClient.Wrap(connection, key ?? "anonymous", "news");
        await client.StartAsync();
        return client;
    }

    [Fact]
    public async Task AKnownKeyGetsItsTenantsRoomsAndAnUnknownOneOnlyGlobalBroadcasts()
    {
        await using var keyed = await ConnectAsync("key-org-a-t1");
        await using var unknown = await ConnectAsync("nonsense");

        await _node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "t1");
        await _node.Broadcaster.BroadcastToAllAsync("news", "created", "all");
        await Sentinel.FlushAsync(_node.Broadcaster, [keyed, unknown]);

        keyed.Markers("news").Should().Equal("t1", "all");
        unknown.Markers("news").Should().Equal("all");
        (await keyed.InvokeAsync("Authenticate", new { }))["userId"].Should().Be("machine-1");
    }

    private sealed class HeaderAuthenticator : IAuthenticator
    {
        public ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(context.HttpContext?.Request.Headers["X-Test-Key"].ToString() == "key-org-a-t1"
                ? AuthenticationResult.Success(new TenantIdentity("machine-1", "org-a", "t1", TenantRoles.Member))
                : AuthenticationResult.Fail("unknown key."));
    }
}
