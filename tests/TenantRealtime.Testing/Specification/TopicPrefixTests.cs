using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Bounds per topic prefix (<see cref="TenantRealtimeOptions.TopicPrefixes"/>): a topic keeps the history and state its
/// prefix allows, and every other room the server-wide bounds. Each test starts a node with the prefixes, which
/// broadcasts and keeps (on Redis it writes the shared history); a client of that node resumes.
/// </summary>
public abstract class TopicPrefixTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "topic-note";

    [Fact]
    public async Task ATopicKeepsTheHistoryOfItsPrefixAndOthersTheServerWideHistory()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.TopicPrefixes["cursor:"] = new TopicPrefixOptions { HistoryMaxMessages = 2 });
        var org = Org("a");
        var cursor = Topic.InTenant(org, "t1", "cursor:7");
        var incident = Topic.InTenant(org, "t1", "incident:7");
        var client = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Event));
        var subscribed = await client.InvokeAsync("Subscribe", new { topics = new[] { new { scope = "tenant", topic = cursor.Name }, new { scope = "tenant", topic = incident.Name } } });
        var positions = ((IEnumerable<object?>)subscribed["topics"]!).Cast<IReadOnlyDictionary<string, object?>>()
            .ToDictionary(t => (string)t["room"]!, t => (IReadOnlyDictionary<string, object?>)t["position"]!);

        for (var i = 1; i <= 5; i++)
        {
            await node.Broadcaster.BroadcastToTopicAsync(cursor, Event, "moved", i);
            await node.Broadcaster.BroadcastToTopicAsync(incident, Event, "noted", i);
        }

        var resumed = await client.InvokeAsync("Resume", new { positions = positions.Values.ToArray() });
        var rooms = ((IEnumerable<object?>)resumed["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().ToDictionary(r => (string)r["room"]!);
        rooms[cursor.Room.Name]["recovered"].Should().Be(false, "the cursor: prefix keeps 2 broadcasts, and 5 were missed");
        rooms[incident.Room.Name]["recovered"].Should().Be(true);
        rooms[incident.Room.Name]["replayed"].Should().Be(5L);
    }

    [Fact]
    public async Task ATopicsStateTakesTheKeyBoundOfItsPrefix()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.TopicPrefixes["tiny:"] = new TopicPrefixOptions { MaxStateKeysPerRoom = 1 });
        var state = node.Services.GetRequiredService<ITenantState>();
        var org = Org("a");
        var tiny = StateRoom.OfTopic(Topic.InOrganization(org, "tiny:1"));
        var roomy = StateRoom.OfTopic(Topic.InOrganization(org, "roomy:1"));
        await state.SetAsync(tiny, "a", 1);
        await state.SetAsync(roomy, "a", 1);
        await state.SetAsync(roomy, "b", 2);

        var refused = await FluentActions.Awaiting(() => state.SetAsync(tiny, "b", 2)).Should().ThrowAsync<TenantRealtimeLimitExceededException>();
        refused.Which.Message.Should().Contain("MaxStateKeysPerRoom");
        (await state.GetAsync(tiny)).Keys.Should().Equal("a");
        (await state.GetAsync(roomy)).Keys.Should().BeEquivalentTo(["a", "b"]);
    }
}
