using FluentAssertions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Topics (<see cref="Topic"/>): rooms the app defines inside a tenant or an organization, subscribed on demand and
/// authorized on the server. Topics are broadcast to and set on <see cref="IRealtimeCluster.Sender"/>, clients connect
/// to <see cref="IRealtimeCluster.Receiver"/> (or to a node started for one authorizer or bound, whose broadcasts and
/// revocations still come from the other server where there is one).
/// </summary>
public abstract partial class TopicTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Comment = "incident-comment";
    private const string State = TenantRealtimeWire.Events.State;
    private const string Unsubscribed = TenantRealtimeWire.Events.Unsubscribed;

    private ITenantBroadcaster Broadcaster => Cluster.Sender.Services.GetRequiredService<ITenantBroadcaster>();

    private ITenantState States => Cluster.Sender.Services.GetRequiredService<ITenantState>();

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ASubscriberReceivesTheTopicsBroadcastsAndNoOneElseDoes(HubProtocolKind protocol)
    {
        var org = Org("a");
        var viewer = await ConnectAsync(TestUser.Member("alice", org, "t1"), protocol, Comment);
        var neighbour = await ConnectAsync(TestUser.Member("bob", org, "t1"), protocol, Comment);
        var admin = await ConnectAsync(TestUser.Admin("ada", org), protocol, Comment);
        var topic = Topic.InTenant(org, "t1", "incident:42");

        var answer = await viewer.InvokeAsync("Subscribe", new { scope = "tenant", topic = "incident:42" });
        var result = Results(answer).Single();
        result["room"].Should().Be($"topic:{org}:t1:incident:42");
        result.Should().Contain(new Dictionary<string, object?> { ["scope"] = "tenant", ["topic"] = "incident:42", ["organizationId"] = org, ["tenantId"] = "t1", ["subscribed"] = true });
        result.Should().NotContainKey("error");
        ((IReadOnlyDictionary<string, object?>)result["position"]!)["room"].Should().Be(topic.Room.Name, "the answer carries the topic's position, to resume it from");

        var receipt = await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", new { text = "first" });
        receipt.Room.Should().Be(topic.Room.Name);
        var received = await viewer.WaitForAsync(Comment);
        received["topic"].Should().Be("incident:42");
        received["room"].Should().Be(topic.Room.Name);
        received.Fields.Should().Contain(new Dictionary<string, object?> { ["scope"] = "topic", ["organizationId"] = org, ["tenantId"] = "t1", ["type"] = "created" });
        received["seq"].Should().Be(receipt.Seq);

        await Broadcaster.BroadcastToTenantAsync(org, "t1", Comment, "marker", "after");
        await neighbour.WaitForAsync(Comment, m => Equals(m["type"], "marker"));
        await admin.WaitForAsync(Comment, m => Equals(m["type"], "marker"));
        neighbour.Received.Should().NotContain(m => Equals(m["type"], "created"), "only subscribers receive a topic");
        admin.Received.Should().NotContain(m => Equals(m["type"], "created"), "an admin receives a topic only when subscribed");
    }

    [Fact]
    public async Task AListWithOneRefusedTopicAnswersForbiddenForItAndGrantsTheRest()
    {
        var org = Org("a");
        var member = await ConnectAsync(TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment);

        var results = await SubscribeAsync(member, InTenant("incident:1"), InTenant("incident:1", tenantId: "t2"), InTenant("board:7"));

        results.Select(r => (r["room"], r["subscribed"], r.GetValueOrDefault("error"))).Should().Equal(
            ($"topic:{org}:t1:incident:1", true, null),
            ($"topic:{org}:t2:incident:1", false, "forbidden"),
            ($"topic:{org}:t1:board:7", true, null));
        results[1].Should().Contain(new Dictionary<string, object?> { ["scope"] = "tenant", ["topic"] = "incident:1", ["organizationId"] = org, ["tenantId"] = "t2" });

        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(org, "t2", "incident:1"), Comment, "created", "t2");
        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(org, "t1", "incident:1"), Comment, "created", "incident");
        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(org, "t1", "board:7"), Comment, "created", "board");
        await Sentinel.FlushAsync(Broadcaster, [member]);
        member.Markers(Comment).Should().Equal("incident", "board");
    }

    [Fact]
    public async Task ASingleRefusedTopicThrowsForbiddenAndSubscribesNothing()
    {
        var org = Org("a");
        var member = await ConnectAsync(TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment);

        var subscribe = () => member.InvokeAsync("Subscribe", InTenant("incident:1", tenantId: "t2"));

        (await subscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: forbidden: ");
        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(org, "t2", "incident:1"), Comment, "created", "t2");
        await Sentinel.FlushAsync(Broadcaster, [member]);
        member.Markers(Comment).Should().BeEmpty();
        (await member.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task ATopicsWholeStateArrivesBeforeSubscribesAnswerThenItsChangesUntilUnsubscribed()
    {
        var org = Org("a");
        var topic = Topic.InTenant(org, "t1", "incident:42");
        var key = topic.Room.Name;
        var room = StateRoom.OfTopic(topic);
        await States.SetAsync(room, "status", "open");
        await States.SetAsync(room, "owner", "ada");
        var member = await ConnectAsync(TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, State);
        var admin = await ConnectAsync(TestUser.Admin("ada", org), HubProtocolKind.Json, State);
        await member.InvokeAsync("Authenticate", new { });
        StatesOf(member, key).Should().BeEmpty("a topic's state reaches subscribers only");
        foreach (var client in new[] { member, admin })
        {
            var read = () => client.InvokeAsync("GetState", new { room = key });
            (await read.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("forbidden: the connection does not hold that room's state.", "not even an admin reads a topic it has not subscribed to");
        }

        await member.InvokeAsync("Subscribe", InTenant("incident:42"));

        // On the wire the whole state precedes Subscribe's answer; the client may run event handlers a moment after it.
        var whole = await member.WaitForAsync(State, m => m.String("room") == key);
        whole["full"].Should().Be(true, "the whole state comes first");
        Sets(whole).Should().BeEquivalentTo(new Dictionary<string, object?> { ["status"] = "open", ["owner"] = "ada" });

        await States.SetAsync(room, "status", "resolved");
        var live = await member.WaitForAsync(State, m => m.String("room") == key && Sets(m).ContainsKey("status") && Equals(m["full"], false));
        Version(live).Should().Be(Version(whole) + 1);

        (await member.InvokeAsync("Unsubscribe", InTenant("incident:42"))).Should().ContainKey("topics");
        await States.SetAsync(room, "note", "while-away");
        await States.SetAsync(StateRoom.Tenant(org, "t1"), "mark", "after");
        await member.WaitForAsync(State, m => m.String("room") == $"tenant:{org}:t1" && Sets(m).ContainsKey("mark"));
        StatesOf(member, key).Should().Equal([whole, live], "an unsubscribed topic's changes stop");

        await member.InvokeAsync("Subscribe", InTenant("incident:42"));
        var again = await member.WaitForAsync(State, m => m.String("room") == key && m != whole && m != live);
        again["full"].Should().Be(true, "a re-subscribe reads the state whole again");
        Sets(again).Should().BeEquivalentTo(new Dictionary<string, object?> { ["status"] = "resolved", ["owner"] = "ada", ["note"] = "while-away" });
        (await member.InvokeAsync("GetState", new { room = key }))["version"].Should().Be(Version(again), "a subscriber may read its topic's state");
    }

    [Fact]
    public async Task AResumeOfAHeldTopicReplaysWhatItMissedAndOfAnUnheldOneIsForbidden()
    {
        var org = Org("a");
        var user = TestUser.Member("alice", org, "t1");
        var topic = Topic.InTenant(org, "t1", "incident:42");
        var other = Topic.InTenant(org, "t1", "incident:43");
        var first = await ConnectAsync(user, HubProtocolKind.Json, Comment);
        await SubscribeAsync(first, InTenant("incident:42"));
        await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", "seen");
        var seen = await first.WaitForAsync(Comment, m => m.String("data") == "seen");
        await first.Connection.StopAsync();

        await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", "missed-1");
        await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", "missed-2");
        await Broadcaster.BroadcastToTopicAsync(other, Comment, "created", "not-held");

        var back = await ConnectAsync(user, HubProtocolKind.Json, Comment);
        await SubscribeAsync(back, InTenant("incident:42"));
        var resumed = await back.InvokeAsync("Resume", new
        {
            positions = new[]
            {
                new { room = topic.Room.Name, epoch = seen.String("epoch"), seq = (long)seen["seq"]! },
                new { room = other.Room.Name, epoch = seen.String("epoch"), seq = 0L },
            },
        });

        var rooms = ((IEnumerable<object?>)resumed["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        rooms[0].Should().Contain(new Dictionary<string, object?> { ["room"] = topic.Room.Name, ["recovered"] = true, ["replayed"] = 2L });
        rooms[1].Should().Contain(new Dictionary<string, object?> { ["room"] = other.Room.Name, ["recovered"] = false, ["error"] = "forbidden" });
        await back.WaitForAsync(Comment, m => m.String("data") == "missed-2");
        back.Markers(Comment).Should().Equal("missed-1", "missed-2");
        back.Received.Where(m => m.EventName == Comment).Should().OnlyContain(m => m.String("topic") == "incident:42" && m.String("room") == topic.Room.Name, "a replay is the envelope a live subscriber saw");
    }

    [Fact]
    public async Task UnsubscribeStopsTheTopicsBroadcastsAndIsIdempotent()
    {
        var org = Org("a");
        var topic = Topic.InOrganization(org, "ops");
        var admin = await ConnectAsync(TestUser.Admin("ada", org), HubProtocolKind.Json, Comment);
        await SubscribeAsync(admin, InOrganization("ops"));
        await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", "before");
        await admin.WaitForAsync(Comment, m => m.String("data") == "before");

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var answer = Results(await admin.InvokeAsync("Unsubscribe", new { topics = new[] { InOrganization("ops"), InOrganization("never-held") } }));
            answer.Select(r => (r["room"], r["subscribed"])).Should().Equal(($"org-topic:{org}:ops", false), ($"org-topic:{org}:never-held", false));
        }

        await Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", "after");
        await Sentinel.FlushAsync(Broadcaster, [admin]);
        admin.Markers(Comment).Should().Equal("before");
    }

    [Fact]
    public async Task EqualTenantIdsAndTopicNamesInTwoOrganizationsStayApart()
    {
        string a = Org("a"), b = Org("b");
        var inA = await ConnectAsync(TestUser.Member("alice", a, "t1"), HubProtocolKind.Json, Comment);
        var inB = await ConnectAsync(TestUser.Member("alice", b, "t1"), HubProtocolKind.Json, Comment);
        var adminA = await ConnectAsync(TestUser.Admin("ada", a), HubProtocolKind.Json, Comment);
        var adminB = await ConnectAsync(TestUser.Admin("ada", b), HubProtocolKind.Json, Comment);
        await SubscribeAsync(inA, InTenant("incident:1"));
        await SubscribeAsync(inB, InTenant("incident:1"));
        await SubscribeAsync(adminA, InOrganization("ops"));
        await SubscribeAsync(adminB, InOrganization("ops"));

        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(a, "t1", "incident:1"), Comment, "created", "a-incident");
        await Broadcaster.BroadcastToTopicAsync(Topic.InOrganization(a, "ops"), Comment, "created", "a-ops");
        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(b, "t1", "incident:1"), Comment, "created", "b-incident");
        await Broadcaster.BroadcastToTopicAsync(Topic.InOrganization(b, "ops"), Comment, "created", "b-ops");
        await Sentinel.FlushAsync(Broadcaster, [inA, inB, adminA, adminB]);

        inA.Markers(Comment).Should().Equal("a-incident");
        inB.Markers(Comment).Should().Equal("b-incident");
        adminA.Markers(Comment).Should().Equal("a-ops");
        adminB.Markers(Comment).Should().Equal("b-ops");
    }

    [Fact]
    public async Task ATenantTopicAndAnOrganizationTopicOfTheSameSpellingNeverMeet()
    {
        var org = Org("a");
        var tenantSide = await ConnectAsync(TestUser.Admin("ada", org, "t1"), HubProtocolKind.Json, Comment);
        var organizationSide = await ConnectAsync(TestUser.Admin("abe", org, "t1"), HubProtocolKind.Json, Comment);

        var tenantTopic = (await SubscribeAsync(tenantSide, InTenant("x"))).Single();
        var organizationTopic = (await SubscribeAsync(organizationSide, InOrganization("t1:x"))).Single();

        tenantTopic["room"].Should().Be($"topic:{org}:t1:x");
        organizationTopic["room"].Should().Be($"org-topic:{org}:t1:x");
        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(org, "t1", "x"), Comment, "created", "tenant-x");
        await Broadcaster.BroadcastToTopicAsync(Topic.InOrganization(org, "t1:x"), Comment, "created", "org-t1:x");
        await Sentinel.FlushAsync(Broadcaster, [tenantSide, organizationSide]);
        tenantSide.Markers(Comment).Should().Equal("tenant-x");
        organizationSide.Markers(Comment).Should().Equal("org-t1:x");
    }

    [Fact]
    public async Task TheDefaultAuthorizerKeepsTenantBoundaries()
    {
        string org = Org("a"), other = Org("b");
        var member = await ConnectAsync(TestUser.Member("alice", org, "t1"));
        var admin = await ConnectAsync(TestUser.Admin("ada", org));

        var asMember = await SubscribeAsync(member, InTenant("incident:1"), InTenant("incident:1", tenantId: "t2"), InOrganization("ops"));
        var asAdmin = await SubscribeAsync(
            admin,
            InTenant("incident:1", tenantId: "t1"),
            InTenant("incident:1", tenantId: "t2"),
            InOrganization("ops"),
            InTenant("incident:1", tenantId: "t1", organizationId: other),
            InOrganization("ops", organizationId: other));

        asMember.Select(r => r["subscribed"]).Should().Equal([true, false, false], "a member takes its own tenant's topics only");
        asAdmin.Select(r => r["subscribed"]).Should().Equal([true, true, true, false, false], "an admin takes its organization's topics, never another's");
        var needsTenant = () => admin.InvokeAsync("Subscribe", InTenant("incident:1"));
        (await needsTenant.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'tenantId' is required");
    }

    [Fact]
    public async Task APlatformAdminSubscribesInAJoinedOrganizationAndLeavingItTakesItsTopics()
    {
        string home = Org("home"), other = Org("other");
        var admin = await ConnectAsync(TestUser.PlatformAdmin("pat", home), HubProtocolKind.Json, Comment);
        var tenantTopic = Topic.InTenant(other, "t1", "incident:1");
        var organizationTopic = Topic.InOrganization(other, "ops");

        var before = () => admin.InvokeAsync("Subscribe", InOrganization("ops", organizationId: other));
        (await before.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: forbidden: ");

        await admin.InvokeAsync("JoinOrganization", new { organizationId = other });
        var joined = await SubscribeAsync(admin, InTenant("incident:1", tenantId: "t1", organizationId: other), InOrganization("ops", organizationId: other));
        joined.Select(r => r["subscribed"]).Should().Equal(true, true);
        await Broadcaster.BroadcastToTopicAsync(tenantTopic, Comment, "created", "while-joined");
        await admin.WaitForAsync(Comment, m => m.String("data") == "while-joined");

        await admin.InvokeAsync("LeaveOrganization", new { organizationId = other });
        await Broadcaster.BroadcastToTopicAsync(tenantTopic, Comment, "created", "after-leave");
        await Broadcaster.BroadcastToTopicAsync(organizationTopic, Comment, "created", "after-leave");
        await Sentinel.FlushAsync(Broadcaster, [admin]);
        admin.Markers(Comment).Should().Equal("while-joined");
        var resumed = await admin.InvokeAsync("Resume", new { positions = new[] { new { room = organizationTopic.Room.Name, epoch = "e", seq = 0L } } });
        ((IEnumerable<object?>)resumed["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().Single()["error"].Should().Be("forbidden", "its topics went with the organization");
    }

    private static List<IReadOnlyDictionary<string, object?>> Results(IReadOnlyDictionary<string, object?> answer) =>
        [.. ((IEnumerable<object?>)answer["topics"]!).Cast<IReadOnlyDictionary<string, object?>>()];

    /// <summary>Subscribes with the list form and returns its answers, one per topic.</summary>
    private static async Task<List<IReadOnlyDictionary<string, object?>>> SubscribeAsync(RealtimeClient client, params Dictionary<string, object?>[] topics) =>
        Results(await client.InvokeAsync("Subscribe", new { topics }));

    private static Dictionary<string, object?> InTenant(string topic, string? tenantId = null, string? organizationId = null)
    {
        var request = new Dictionary<string, object?> { ["scope"] = "tenant", ["topic"] = topic };
        if (tenantId is not null)
        {
            request["tenantId"] = tenantId;
        }

        if (organizationId is not null)
        {
            request["organizationId"] = organizationId;
        }

        return request;
    }

    private static Dictionary<string, object?> InOrganization(string topic, string? organizationId = null) =>
        organizationId is null
            ? new() { ["scope"] = "organization", ["topic"] = topic }
            : new() { ["scope"] = "organization", ["topic"] = topic, ["organizationId"] = organizationId };

    private static List<ReceivedMessage> StatesOf(RealtimeClient client, string room) =>
        [.. client.Received.Where(m => m.EventName == State && m.String("room") == room)];

    private static long Version(ReceivedMessage message) => (long)message["version"]!;

    private static IReadOnlyDictionary<string, object?> Sets(ReceivedMessage message) => (IReadOnlyDictionary<string, object?>)message["set"]!;
}
