using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Topics (<see cref="Topic"/>): rooms the app defines inside a tenant or an organization, subscribed on demand and
/// authorized on the server. Topics are broadcast to and set on <see cref="IRealtimeCluster.Sender"/>, clients connect
/// to <see cref="IRealtimeCluster.Receiver"/>.
/// </summary>
public abstract class TopicTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Comment = "incident-comment";

    private ITenantBroadcaster Broadcaster => Cluster.Sender.Services.GetRequiredService<ITenantBroadcaster>();

    [Fact]
    public async Task ASubscriberReceivesTheTopicsBroadcastsAndNoOneElseDoes()
    {
        var org = Org("a");
        var viewer = await ConnectAsync(TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment);
        var neighbour = await ConnectAsync(TestUser.Member("bob", org, "t1"), HubProtocolKind.Json, Comment);
        var admin = await ConnectAsync(TestUser.Admin("ada", org), HubProtocolKind.Json, Comment);
        var topic = Topic.InTenant(org, "t1", "incident:42");

        var answer = await viewer.InvokeAsync("Subscribe", new { scope = "tenant", topic = "incident:42" });
        var result = ((IEnumerable<object?>)answer["topics"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
        result["room"].Should().Be($"topic:{org}:t1:incident:42");
        result["subscribed"].Should().Be(true);

        var receipt = await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", new { text = "first" });
        receipt.Room.Should().Be(topic.Room.Name);
        var received = await viewer.WaitForAsync(Comment);
        received["topic"].Should().Be("incident:42");
        received["room"].Should().Be(topic.Room.Name);

        await Broadcaster.BroadcastToTenantAsync(org, "t1", Comment, "marker", "after");
        await neighbour.WaitForAsync(Comment, m => Equals(m["type"], "marker"));
        await admin.WaitForAsync(Comment, m => Equals(m["type"], "marker"));
        neighbour.Received.Should().NotContain(m => Equals(m["type"], "created"), "only subscribers receive a topic");
        admin.Received.Should().NotContain(m => Equals(m["type"], "created"), "an admin receives a topic only when subscribed");
    }
}
