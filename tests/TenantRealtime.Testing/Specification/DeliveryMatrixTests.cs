using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>Every scope reaches exactly its audience: no one missing, no one extra, no one twice.</summary>
public abstract class DeliveryMatrixTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "matrix";

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task EachScopeReachesExactlyItsAudience(HubProtocolKind protocol)
    {
        string a = Org("a"), b = Org("b");
        var expected = new Dictionary<TestUser, string[]>
        {
            [TestUser.Member("alice", a, "t1")] = ["all", "org-a", "a-t1", "user-alice"],
            [TestUser.Member("amy", a, "t1")] = ["all", "org-a", "a-t1"],
            [TestUser.Member("arno", a, "t2")] = ["all", "org-a", "a-t2"],
            [TestUser.Admin("ada", a)] = ["all", "org-a", "a-t1", "a-t2"],
            // An admin with a tenant holds both rooms a tenant broadcast goes to, yet gets it once.
            [TestUser.Admin("abe", a, "t1")] = ["all", "org-a", "a-t1", "a-t2"],
            // Same tenant id, another organization: a different room.
            [TestUser.Member("bob", b, "t1")] = ["all", "org-b", "b-t1"],
            [TestUser.Admin("bea", b)] = ["all", "org-b", "b-t1"],
            [TestUser.PlatformAdmin("pat", Org("p"))] = ["all"],
        };
        var clients = new Dictionary<TestUser, RealtimeClient>();
        foreach (var user in expected.Keys)
        {
            clients[user] = await ConnectAsync(user, protocol, Event);
        }

        var broadcaster = Cluster.Sender.Broadcaster;
        await broadcaster.BroadcastToAllAsync(Event, "created", "all");
        await broadcaster.BroadcastToOrganizationAsync(a, Event, "created", "org-a");
        await broadcaster.BroadcastToOrganizationAsync(b, Event, "created", "org-b");
        await broadcaster.BroadcastToTenantAsync(a, "t1", Event, "created", "a-t1");
        await broadcaster.BroadcastToTenantAsync(a, "t2", Event, "created", "a-t2");
        await broadcaster.BroadcastToTenantAsync(b, "t1", Event, "created", "b-t1");
        await broadcaster.BroadcastToUserAsync(a, "alice", Event, "created", "user-alice");
        await Sentinel.FlushAsync(broadcaster, clients.Values);

        foreach (var (user, markers) in expected)
        {
            clients[user].Markers(Event).Should().BeEquivalentTo(markers, $"{user} must receive exactly its scopes");
        }
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task EnvelopeHasTheContractFieldsInEveryProtocol(HubProtocolKind protocol)
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var client = await ConnectAsync(user, protocol, "service-update");

        var receipt = await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(
            user.OrganizationId, "t1", "service-update", "updated", new { id = "svc-1", status = "degraded_performance" });
        var message = await client.WaitForAsync("service-update");

        message.String("type").Should().Be("updated");
        message.String("scope").Should().Be("tenant");
        message.String("organizationId").Should().Be(user.OrganizationId);
        message.String("tenantId").Should().Be("t1");
        var timestamp = DateTimeOffset.Parse(message.String("timestamp")!, System.Globalization.CultureInfo.InvariantCulture);
        timestamp.Should().Be(receipt.Timestamp);
        message.String("timestamp").Should().EndWith("Z", "timestamps are ISO-8601 UTC");
        var data = message["data"].Should().BeAssignableTo<IReadOnlyDictionary<string, object?>>().Subject;
        data["id"].Should().Be("svc-1");
        data["status"].Should().Be("degraded_performance");
    }

    [Fact]
    public async Task TwoHundredConnectionsAcrossTwentyTenantsEachReceiveExactlyTheirTenantsBroadcasts()
    {
        // Ten tenant ids in each of two organizations: equal tenant ids must still be separate rooms.
        var users = (from organization in new[] { Org("a"), Org("b") }
                     from tenant in Enumerable.Range(1, 10)
                     from member in Enumerable.Range(1, 10)
                     select TestUser.Member($"u{tenant}-{member}", organization, $"t{tenant}")).ToList();
        var clients = new List<(TestUser User, RealtimeClient Client)>();
        foreach (var batch in users.Chunk(25))
        {
            var connected = await Task.WhenAll(batch.Select(u => ConnectAsync(u, HubProtocolKind.Json, Event)));
            clients.AddRange(batch.Zip(connected));
        }

        foreach (var tenant in users.Select(u => (u.OrganizationId, u.TenantId!)).Distinct())
        {
            await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(tenant.OrganizationId, tenant.Item2, Event, "created", $"{tenant.OrganizationId}/{tenant.Item2}");
        }

        await Sentinel.FlushAsync(Cluster.Sender.Broadcaster, clients.Select(c => c.Client));
        foreach (var (user, client) in clients)
        {
            client.Markers(Event).Should().Equal([$"{user.OrganizationId}/{user.TenantId}"], $"{user} must receive only its tenant's broadcast");
        }
    }
}
