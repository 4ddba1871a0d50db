using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Tests.Connections;

/// <summary>
/// A WebSocket connection keeps its HTTP request for as long as it lives. Once the connection is accepted, the
/// request's authentication result (JwtBearer's ticket, with the raw token when <c>SaveToken</c> is on, its default)
/// is let go; the user stays, and so does everything read from the result at connect (the token's expiry).
/// </summary>
public sealed class HandshakeLeftoversTests
{
    [Fact]
    public async Task AnAcceptedConnectionKeepsItsUserButNotItsRequestsAuthenticationResult()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var client = await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", "org-a", "t1"), events: "news");

        var state = node.Services.GetRequiredService<LocalConnectionStore>().Find(client.Connection.ConnectionId!);
        var request = state!.Context.GetHttpContext()!;

        request.Features.Get<IAuthenticateResultFeature>()!.AuthenticateResult.Should().BeNull();
        request.User.Identity!.IsAuthenticated.Should().BeTrue();
        request.User.FindFirst("sub")?.Value.Should().Be("alice");
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "still served");
        await client.WaitForAsync("news", m => m.String("data") == "still served");
    }

    [Fact]
    public async Task AConnectionReleasedFromItsAuthenticationResultStillClosesWhenItsTokenExpires()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var client = RealtimeClient.Create(node.HubUrl, TestJwt.Create("alice", "org-a", "t1", "member", TimeSpan.FromSeconds(2)), events: "news");
        await client.StartAsync();

        var error = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        error!.Message.Should().Contain("unauthenticated: token expired");
    }
}
