using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>The registry counts live connections per organization and tenant, and forgets them on disconnect.</summary>
public abstract class RegistryTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    [Fact]
    public async Task CountsFollowConnectsAndDisconnects()
    {
        string a = Org("a"), b = Org("b");
        var alice = await ConnectAsync(TestUser.Member("alice", a, "t1"));
        await ConnectAsync(TestUser.Member("arno", a, "t2"));
        await ConnectAsync(TestUser.Admin("ada", a));
        await ConnectAsync(TestUser.Member("bob", b, "t1"));

        await Cluster.WaitForRegistryAsync(Cluster.Sender, async r => await r.CountAsync(a) == 3);
        var registry = Cluster.Sender.Registry;
        (await registry.CountAsync(a, "t1")).Should().Be(1);
        (await registry.CountAsync(a, "t2")).Should().Be(1);
        (await registry.CountAsync(b)).Should().Be(1);
        (await registry.CountAsync(b, "t1")).Should().Be(1);
        (await registry.CountAsync()).Should().BeGreaterThanOrEqualTo(4);

        var snapshot = await registry.GetSnapshotAsync(a);
        snapshot.Connections.Should().Be(3);
        snapshot.Organizations.Should().ContainSingle().Which.Should().BeEquivalentTo(new OrganizationConnections(
            a, 3, [new TenantConnections("t1", 1), new TenantConnections("t2", 1)]));

        await alice.Connection.StopAsync();
        await Cluster.WaitForRegistryAsync(Cluster.Sender, async r => await r.CountAsync(a) == 2);
        (await registry.CountAsync(a, "t1")).Should().Be(0);
        (await registry.GetSnapshotAsync(a)).Organizations.Single().Tenants.Should().Equal(new TenantConnections("t2", 1));
    }

    [Fact]
    public async Task AnOrganizationWithoutConnectionsIsNotListed()
    {
        var a = Org("a");
        var client = await ConnectAsync(TestUser.Member("alice", a, "t1"));
        await Cluster.WaitForRegistryAsync(Cluster.Sender, async r => await r.CountAsync(a) == 1);

        await client.Connection.StopAsync();

        await Cluster.WaitForRegistryAsync(Cluster.Sender, async r => await r.CountAsync(a) == 0);
        (await Cluster.Sender.Registry.GetSnapshotAsync()).Organizations.Should().NotContain(o => o.OrganizationId == a);
    }
}
