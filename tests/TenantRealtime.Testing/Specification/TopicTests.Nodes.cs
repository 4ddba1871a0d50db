using System.Diagnostics.Metrics;
using System.Security.Claims;
using FluentAssertions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// The topic behaviour that needs a server of its own: another authorizer, a lower bound. Clients connect to that
/// node; broadcasts and revocations come from the cluster's sender where it is another server on the same scale-out.
/// </summary>
public abstract partial class TopicTests<TCluster>
{
    [Fact]
    public async Task UnderAnAuthorizerThatAllowsEverythingAMemberStillNeverSubscribesInAnOrganizationItDoesNotHold()
    {
        await using var node = await Cluster.StartNodeAsync(_ => { }, realtime => realtime.WithTopicAuthorizer<TestTopicAuthorizer>());
        var authorizer = (TestTopicAuthorizer)node.Services.GetRequiredService<ITopicAuthorizer>();
        string org = Org("a"), other = Org("b");
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment));

        var results = await SubscribeAsync(
            member,
            InTenant("incident:1", tenantId: "t2"),
            InOrganization("ops"),
            InTenant("incident:1", tenantId: "t1", organizationId: other),
            InOrganization("ops", organizationId: other));
        var single = () => member.InvokeAsync("Subscribe", InOrganization("ops", organizationId: other));

        results.Select(r => r["subscribed"]).Should().Equal([true, true, false, false], "the authorizer may widen within the organization held, never past it");
        results.Skip(2).Should().OnlyContain(r => Equals(r["error"], "forbidden"));
        (await single.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: forbidden: ");
        authorizer.Asked.Should().OnlyContain(topic => topic.OrganizationId == org, "the authorizer is never asked about an organization the connection does not hold");

        var sender = SenderFor(node).Broadcaster;
        await sender.BroadcastToTopicAsync(Topic.InOrganization(other, "ops"), Comment, "created", "foreign");
        await sender.BroadcastToTopicAsync(Topic.InOrganization(org, "ops"), Comment, "created", "own");
        await Sentinel.FlushAsync(sender, [member]);
        member.Markers(Comment).Should().Equal("own");
    }

    [Fact]
    public async Task ARefreshWhoseAuthorizerNowRefusesATopicRemovesItAndTellsTheClient()
    {
        await using var node = await Cluster.StartNodeAsync(_ => { }, realtime => realtime.WithTopicAuthorizer<TestTopicAuthorizer>());
        var authorizer = (TestTopicAuthorizer)node.Services.GetRequiredService<ITopicAuthorizer>();
        var org = Org("a");
        var kept = Topic.InTenant(org, "t1", "incident:1");
        var revoked = Topic.InTenant(org, "t1", "incident:2");
        using var outcomes = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.topic.subscribes");
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment, Unsubscribed));
        await SubscribeAsync(member, InTenant("incident:1"), InTenant("incident:2"));
        Outcomes(outcomes).Should().Equal("granted", "granted");

        authorizer.Refuse(revoked);
        var sender = SenderFor(node);
        await sender.Connections.RefreshUserRoomsAsync(org, "alice");

        var told = await member.WaitForAsync(Unsubscribed);
        Results(told.Fields).Should().ContainSingle().Which.Should().Contain(new Dictionary<string, object?>
        {
            ["room"] = revoked.Room.Name,
            ["scope"] = "tenant",
            ["topic"] = "incident:2",
            ["organizationId"] = org,
            ["tenantId"] = "t1",
            ["subscribed"] = false,
            ["error"] = "forbidden",
        });
        Outcomes(outcomes).Should().Equal(["granted", "granted", "revoked"], "the metric counts the topic taken away, not the one kept");
        await sender.Broadcaster.BroadcastToTopicAsync(revoked, Comment, "created", "revoked");
        await sender.Broadcaster.BroadcastToTopicAsync(kept, Comment, "created", "kept");
        await Sentinel.FlushAsync(sender.Broadcaster, [member]);
        member.Markers(Comment).Should().Equal("kept");
    }

    private static List<string?> Outcomes(MetricCollector<long> collector) =>
        [.. collector.GetMeasurementSnapshot().Select(m => m.Tags["tenantrealtime.outcome"] as string)];

    [Fact]
    public async Task ATopicSubscribedWhileARefreshAsksTheAuthorizerIsKeptAndOneUnsubscribedMeanwhileStaysGone()
    {
        await using var node = await Cluster.StartNodeAsync(_ => { }, realtime => realtime.WithTopicAuthorizer<TestTopicAuthorizer>());
        var authorizer = (TestTopicAuthorizer)node.Services.GetRequiredService<ITopicAuthorizer>();
        var org = Org("a");
        var revoked = Topic.InTenant(org, "t1", "incident:1");
        var left = Topic.InTenant(org, "t1", "incident:2");
        var added = Topic.InTenant(org, "t1", "incident:3");
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment, Unsubscribed));
        await SubscribeAsync(member, InTenant("incident:1"), InTenant("incident:2"));
        authorizer.Refuse(revoked);

        // The refresh asks about the topics held, and is held there while the client changes them.
        var hold = authorizer.HoldNext();
        var sender = SenderFor(node);
        var refresh = sender.Connections.RefreshUserRoomsAsync(org, "alice");
        await hold.Entered.WaitAsync(RealtimeClient.DefaultTimeout);
        (await SubscribeAsync(member, InTenant("incident:3"))).Single()["subscribed"].Should().Be(true);
        await member.InvokeAsync("Unsubscribe", InTenant("incident:2"));
        hold.Release();
        await refresh;

        // The refresh is carried out once the client is told what it took.
        Results((await member.WaitForAsync(Unsubscribed)).Fields).Select(r => r["room"]).Should().Equal(revoked.Room.Name);
        foreach (var topic in new[] { revoked, left, added })
        {
            await sender.Broadcaster.BroadcastToTopicAsync(topic, Comment, "created", topic.Name);
        }

        await Sentinel.FlushAsync(sender.Broadcaster, [member]);
        member.Markers(Comment).Should().Equal(["incident:3"], "the topic granted meanwhile is kept; the one left meanwhile is not brought back");
    }

    [Fact]
    public async Task AHeldTopicTheAuthorizerNowRefusesIsLeftWhenItIsSubscribedAgain()
    {
        await using var node = await Cluster.StartNodeAsync(_ => { }, realtime => realtime.WithTopicAuthorizer<TestTopicAuthorizer>());
        var authorizer = (TestTopicAuthorizer)node.Services.GetRequiredService<ITopicAuthorizer>();
        var org = Org("a");
        var listed = Topic.InTenant(org, "t1", "incident:1");
        var single = Topic.InTenant(org, "t1", "incident:2");
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment));
        await SubscribeAsync(member, InTenant("incident:1"), InTenant("incident:2"));
        authorizer.Refuse(listed);
        authorizer.Refuse(single);

        var again = await SubscribeAsync(member, InTenant("incident:1"));
        var singleAgain = () => member.InvokeAsync("Subscribe", InTenant("incident:2"));

        again.Single().Should().Contain(new Dictionary<string, object?> { ["subscribed"] = false, ["error"] = "forbidden" });
        (await singleAgain.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: forbidden: ");
        var sender = SenderFor(node).Broadcaster;
        await sender.BroadcastToTopicAsync(listed, Comment, "created", "listed");
        await sender.BroadcastToTopicAsync(single, Comment, "created", "single");
        await Sentinel.FlushAsync(sender, [member]);
        member.Markers(Comment).Should().BeEmpty("a topic answered forbidden is not held: the answer is the truth");
    }

    [Fact]
    public async Task ASubscribeNamingMoreTopicsThanTheBoundIsLimitExceeded()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.MaxTopicsPerConnection = 3);
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", Org("a"), "t1"), HubProtocolKind.Json, Comment));

        var subscribe = () => member.InvokeAsync("Subscribe", new { topics = new[] { InTenant("a"), InTenant("b"), InTenant("c"), InTenant("d") } });
        var unsubscribe = () => member.InvokeAsync("Unsubscribe", new { topics = new[] { InTenant("a"), InTenant("b"), InTenant("c"), InTenant("d") } });

        (await subscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("HubException: limit-exceeded: a connection may subscribe to at most 3 topics.");
        (await unsubscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("HubException: invalid-argument: 'topics' may hold at most 3 items.");
        (await SubscribeAsync(member, InTenant("a"), InTenant("b"), InTenant("c"))).Should().OnlyContain(r => Equals(r["subscribed"], true));
    }

    [Fact]
    public async Task PastMaxTopicsPerConnectionASubscribeIsLimitExceededAndSubscribesNothing()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.MaxTopicsPerConnection = 3);
        var org = Org("a");
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, Comment));
        await SubscribeAsync(member, InTenant("a"), InTenant("b"));

        var past = () => member.InvokeAsync("Subscribe", new { topics = new[] { InTenant("c"), InTenant("d") } });

        (await past.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: limit-exceeded: ");
        var sender = SenderFor(node).Broadcaster;
        await sender.BroadcastToTopicAsync(Topic.InTenant(org, "t1", "c"), Comment, "created", "c");
        await sender.BroadcastToTopicAsync(Topic.InTenant(org, "t1", "d"), Comment, "created", "d");
        await Sentinel.FlushAsync(sender, [member]);
        member.Markers(Comment).Should().BeEmpty("a refused call subscribes none of its topics");
        (await SubscribeAsync(member, InTenant("c"))).Single()["subscribed"].Should().Be(true, "the bound still has room for one");
        (await SubscribeAsync(member, InTenant("a"))).Single()["subscribed"].Should().Be(true, "a topic held already is not one more");
    }

    [Fact]
    public async Task AClientHoldingFiftyTopicsResubscribesThemInOneCallRightAfterReconnecting()
    {
        var org = Org("a");
        var user = TestUser.Member("alice", org, "t1");
        var topics = Enumerable.Range(0, 50).Select(i => InTenant($"incident:{i}")).ToArray();
        var first = await ConnectAsync(user, HubProtocolKind.Json, Comment);
        var held = await SubscribeAsync(first, topics);
        held.Should().OnlyContain(r => Equals(r["subscribed"], true));
        await first.Connection.StopAsync();
        await Broadcaster.BroadcastToTopicAsync(Topic.InTenant(org, "t1", "incident:49"), Comment, "created", "missed");

        // Reconnecting as a client does: its organization, every topic in one call, then one Resume of them all.
        var back = await ConnectAsync(user, HubProtocolKind.Json, Comment);
        var again = await SubscribeAsync(back, topics);
        var resumed = await back.InvokeAsync("Resume", new { positions = held.Select(r => r["position"]).ToArray() });

        again.Should().HaveCount(50).And.OnlyContain(r => Equals(r["subscribed"], true), "one call is one invocation of the rate limit");
        ((IEnumerable<object?>)resumed["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().Should().HaveCount(50).And.OnlyContain(r => r["error"] == null);
        await back.WaitForAsync(Comment, m => m.String("data") == "missed");
        back.Markers(Comment).Should().Equal("missed");
    }

    [Fact]
    public async Task TheClaimsAuthorizerGrantsWhatTheTokensPatternsName()
    {
        await using var node = await Cluster.StartNodeAsync(_ => { }, realtime => realtime.WithClaimsTopicAuthorizer());
        string org = Org("a"), other = Org("b");
        var user = TestUser.Member("alice", org, "t1") with
        {
            Claims = [new Claim("topics", "tenant:incident:*"), new Claim("topics", "tenants:board:* organization:ops")],
        };
        var member = Track(await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, Comment));
        var plain = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Admin("ada", org, "t1"), HubProtocolKind.Json, Comment));

        var results = await SubscribeAsync(
            member,
            InTenant("incident:42"),
            InTenant("incident:42", tenantId: "t2"),
            InTenant("board:7", tenantId: "t2"),
            InTenant("board", tenantId: "t2"),
            InTenant("chat:1"),
            InOrganization("ops"),
            InOrganization("ops:eu"),
            InOrganization("ops", organizationId: other));
        var withoutClaim = await SubscribeAsync(plain, InTenant("incident:42"), InOrganization("ops"));

        results.Select(r => r["subscribed"]).Should().Equal(true, false, true, false, false, true, false, false);
        withoutClaim.Select(r => r["subscribed"]).Should().Equal([false, false], "under the claims authorizer even an admin needs the claim");
    }

    [Fact]
    public async Task ATopicPrefixTracksPresenceWithServerWidePresenceOff()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.TopicPrefixes["viewing:"] = new TopicPrefixOptions { EnablePresence = true });
        var org = Org("a");
        var alice = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("alice", org, "t1"), HubProtocolKind.Json, "presence"));
        var bob = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("bob", org, "t1"), HubProtocolKind.Json, "presence"));

        (await SubscribeAsync(alice, InTenant("viewing:7"))).Single()["presence"].Should().NotBeNull("the prefix alone turns presence on for its topics");
        var answer = (await SubscribeAsync(bob, InTenant("viewing:7"))).Single();
        var listed = ((IEnumerable<object?>)((IReadOnlyDictionary<string, object?>)answer["presence"]!)["users"]!).Cast<IReadOnlyDictionary<string, object?>>();
        listed.Select(user => user["userId"]).Should().Equal("alice", "bob");
        await alice.WaitForAsync("presence", m => m.String("scope") == "topic" && m.String("type") == "joined" && m["data"] is IReadOnlyDictionary<string, object?> data && Equals(data["userCount"], 2L));

        var presence = () => alice.InvokeAsync("GetPresence", new { scope = "tenant" });
        (await presence.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("disabled: ", "organization and tenant presence stay off");
    }

    /// <summary>Where a node started for one test gets its broadcasts and revocations: the other server, if the setup has one.</summary>
    private RealtimeNode SenderFor(RealtimeNode node) => ReferenceEquals(Cluster.Sender, Cluster.Receiver) ? node : Cluster.Sender;
}
