using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Tests.Hosting;

/// <summary>Custom authenticators and resolvers plug in, and the hub still enforces the security rules around them.</summary>
public sealed class CustomizationTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    // Plugged in the documented way (docs/customizing.md): the builder registers them; the tests reach the instances.
    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Realtime = realtime => realtime.WithAuthenticator<FixedAuthenticator>().WithRoomResolver<GrantingResolver>(),
    });

    private FixedAuthenticator Authenticator => (FixedAuthenticator)_node.Services.GetRequiredService<IAuthenticator>();

    private GrantingResolver Resolver => (GrantingResolver)_node.Services.GetRequiredService<IRoomResolver>();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<RealtimeClient> ConnectAsync() =>
        await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("fixed", "org-fixed", "t1"), HubProtocolKind.Json, "news");

    [Fact]
    public async Task RefreshUserRoomsMovesLiveConnectionsToTheirNewRooms()
    {
        Resolver.Tenants.Add("t1");
        await using var client = await ConnectAsync();
        await _node.Broadcaster.BroadcastToTenantAsync("org-fixed", "t1", "news", "created", "t1-before");
        await client.WaitForAsync("news", m => m.String("data") == "t1-before");

        Resolver.Tenants.Clear();
        Resolver.Tenants.Add("t2");
        await _node.Connections.RefreshUserRoomsAsync("org-fixed", "fixed");
        await _node.Broadcaster.BroadcastToTenantAsync("org-fixed", "t1", "news", "created", "t1-after");
        await _node.Broadcaster.BroadcastToTenantAsync("org-fixed", "t2", "news", "created", "t2-after");
        await Sentinel.FlushAsync(_node.Broadcaster, [client]);

        client.Markers("news").Should().Equal("t1-before", "t2-after");
    }

    [Fact]
    public async Task RefreshClosesAConnectionWhoseAccessWasWithdrawn()
    {
        await using var client = await ConnectAsync();

        Authenticator.Identity = null;
        await _node.Connections.RefreshUserRoomsAsync("org-fixed", "fixed");

        await client.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        await _node.WaitForRegistryAsync(async registry => await registry.CountAsync("org-fixed") == 0);
    }

    [Fact]
    public async Task TheAuthenticatorSeesTheAuthenticateRequest()
    {
        await using var client = await ConnectAsync();

        await client.InvokeAsync("Authenticate", new { userId = "fixed", tenantId = "t1" });

        Authenticator.Requests.Should().Contain(new AuthenticateRequest("fixed", null, "t1", null));
        Authenticator.Requests.Should().Contain((AuthenticateRequest?)null, "the connect-time call has no request");
    }

    [Fact]
    public async Task RoomsOfAnotherOrganizationGrantedOnJoinAreIgnoredAndLogged()
    {
        await using var client = await ConnectAsync();

        await client.InvokeAsync("JoinOrganization", new { organizationId = "org-b" });
        await _node.Broadcaster.BroadcastToOrganizationAsync("org-b", "news", "created", "org-b");
        await _node.Broadcaster.BroadcastToOrganizationAsync("not-org-b", "news", "created", "smuggled");
        await Sentinel.FlushAsync(_node.Broadcaster, [client]);

        client.Markers("news").Should().Equal("org-b");
        _node.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("room org:not-org-b"));
    }
}
