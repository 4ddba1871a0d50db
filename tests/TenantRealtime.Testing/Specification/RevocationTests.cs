using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>Revocation issued on any server closes the right connections, wherever they are.</summary>
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
}
