using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Connections.Internal;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Revocation issued on any server closes or re-rooms the right connections, wherever they are, including one that
/// was still connecting (authenticated, not yet stored) when the request was carried out.
/// </summary>
public abstract class RevocationTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    [Fact]
    public async Task DisconnectUserClosesEveryConnectionOfThatUserOnly()
    {
        var a = Org("a");
        var first = await ConnectAsync(TestUser.Member("alice", a, "t1"));
        var second = await ConnectAsync(TestUser.Member("alice", a, "t1"));
        var other = await ConnectAsync(TestUser.Member("amy", a, "t1"));

        await Cluster.Sender.Connections.DisconnectUserAsync(a, "alice");

        await first.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        await second.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        (await other.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        await Cluster.WaitForRegistryAsync(Cluster.Sender, async r => await r.CountAsync(a) == 1);
    }

    [Fact]
    public async Task DisconnectTenantClosesThatTenantsConnectionsOnly()
    {
        string a = Org("a"), b = Org("b");
        var inTenant = await ConnectAsync(TestUser.Member("alice", a, "t1"));
        var otherTenant = await ConnectAsync(TestUser.Member("arno", a, "t2"));
        var sameTenantIdOtherOrganization = await ConnectAsync(TestUser.Member("bob", b, "t1"));

        await Cluster.Sender.Connections.DisconnectTenantAsync(a, "t1");

        await inTenant.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        (await otherTenant.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        (await sameTenantIdOtherOrganization.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task ARefreshIssuedWhileAConnectionIsConnectingReachesItOnceConnected()
    {
        var a = Org("a");
        var admin = TestUser.Admin("ada", a, "t1");
        var (client, gate) = await StartHeldAsync(admin, "news");

        // Authenticated as an admin and held before it is stored: the app demotes the user and refreshes.
        Authenticator.SetRole(a, "ada", TenantRoles.Member);
        await RevokeWhileHeldAsync(() => Cluster.Sender.Connections.RefreshUserRoomsAsync(a, "ada"));
        gate.Release();

        // Invocations run after the hub's OnConnectedAsync: once Ping answers, the connection has its rooms.
        (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(a, "t2", "news", "created", "t2");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(a, "t1", "news", "created", "t1");
        await Sentinel.FlushAsync(Cluster.Sender.Broadcaster, [client]);

        client.Markers("news").Should().Equal(["t1"], "as a member of t1 it no longer holds org-admins, which carries every tenant's broadcasts");
    }

    [Theory]
    [InlineData("user")]
    [InlineData("tenant")]
    public async Task ADisconnectIssuedWhileAConnectionIsConnectingClosesItOnceConnected(string scope)
    {
        var a = Org("a");
        var (client, gate) = await StartHeldAsync(TestUser.Member("alice", a, "t1"), "news");

        await RevokeWhileHeldAsync(() => scope == "user"
            ? Cluster.Sender.Connections.DisconnectUserAsync(a, "alice")
            : Cluster.Sender.Connections.DisconnectTenantAsync(a, "t1"));
        gate.Release();

        var closed = await client.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        closed!.Message.Should().Contain("unauthenticated: the connection was revoked while it was connecting.");
        (await Cluster.Receiver.Registry.CountAsync(a)).Should().Be(0);
    }
}
