using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Presence per topic ("who is viewing incident 42"), for the topics whose prefix tracks it (<see cref="PresenceSettings.TopicPrefix"/>):
/// the users listed in <c>Subscribe</c>'s answer, then <c>joined</c> / <c>left</c> events to the topic's subscribers and
/// no one else. Viewers connect to <see cref="IRealtimeCluster.Receiver"/>, the users they watch to
/// <see cref="IRealtimeCluster.Sender"/>, so over Redis every change crosses servers.
/// </summary>
public abstract class TopicPresenceTests<TCluster>(TCluster cluster) : PresenceTestBase<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private static readonly string Incident = PresenceSettings.TopicPrefix + "incident:42";

    [Fact]
    public async Task ATopicsPresenceIsListedInSubscribeAndReachesOnlyItsSubscribers()
    {
        string a = Org("a"), b = Org("b");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1") with { DisplayName = "Amy" });
        var cara = await ObserveAsync(TestUser.Member("cara", a, "t1"));
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        var other = await ObserveAsync(TestUser.Member("amy", b, "t1"));

        var first = await SubscribeAsync(amy, "tenant", Incident);
        UsersOf(first).Should().Equal(["amy"], "the subscriber's own user is listed, on whichever server decides");
        first.Should().Contain("userCount", 1L).And.Contain("countsOnly", false);
        EntriesOf(first).Single().Should().Contain("displayName", "Amy").And.Contain("connections", 1L);
        (await SubscribeAsync(other, "tenant", Incident)).Should().NotBeNull("the same tenant id and topic in another organization is another topic");

        var bob = await ConnectUserAsync(TestUser.Member("bob", a, "t1"));
        UsersOf(await SubscribeAsync(bob, "tenant", Incident)).Should().Equal(["amy", "bob"], "users are listed by when they subscribed");
        var joined = await WaitForPresenceAsync(amy, "joined", "topic", "bob");
        joined.Fields.Should().Contain("topic", Incident).And.Contain("organizationId", a).And.Contain("tenantId", "t1");
        joined.Fields.Should().NotContainKeys(["room", "seq", "epoch"], "presence events are not numbered and not kept for Resume");
        ((IReadOnlyDictionary<string, object?>)joined["data"]!).Should().Contain("userCount", 2L);

        // A topic without presence answers without a list.
        var plain = await amy.InvokeAsync("Subscribe", new { scope = "tenant", topic = "plain:1" });
        Results(plain).Single().Should().NotContainKey("presence");

        await bob.DisposeAsync();
        var left = await WaitForPresenceAsync(amy, "left", "topic", "bob", AfterTheWindow + RealtimeClient.DefaultTimeout);
        ((IReadOnlyDictionary<string, object?>)left["data"]!).Should().Contain("userCount", 1L);

        await FlushAsync(a, amy, cara, ada);
        await FlushAsync(b, other);
        TopicEventsOf(cara).Should().BeEmpty("a member of the tenant who did not subscribe hears nothing of the topic");
        TopicEventsOf(ada).Should().BeEmpty("an admin hears a topic's presence only when subscribed");
        TopicEventsOf(other).Should().BeEmpty("the other organization's topic has no one else in it");
        TopicEventsOf(amy).Should().Equal(["joined:bob", "left:bob"], "amy's own join may come before or after her answer, and is not counted here");
    }

    [Fact]
    public async Task AnUnsubscribedUserLeavesAfterTheWindowAndOneBackWithinItDoesNotBlink()
    {
        var a = Org("a");
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        UsersOf(await SubscribeAsync(ada, "organization", Incident)).Should().Equal("ada");
        var bob = await ConnectUserAsync(TestUser.Admin("bob", a));
        var cid = await ConnectUserAsync(TestUser.Admin("cid", a));
        await SubscribeAsync(bob, "organization", Incident);
        await SubscribeAsync(cid, "organization", Incident);
        await WaitForPresenceAsync(ada, "joined", "topic", "bob");
        await WaitForPresenceAsync(ada, "joined", "topic", "cid");

        // Bob comes back within the window (as a client that resubscribes after a reconnect); cid does not.
        await cid.InvokeAsync("Unsubscribe", new { scope = "organization", topic = Incident });
        await bob.InvokeAsync("Unsubscribe", new { scope = "organization", topic = Incident });
        UsersOf(await SubscribeAsync(bob, "organization", Incident)).Should().Equal(["ada", "bob", "cid"], "cid's window has not passed yet");

        var left = await WaitForPresenceAsync(ada, "left", "topic", "cid", AfterTheWindow + RealtimeClient.DefaultTimeout);
        left.Fields.Should().Contain("scope", "topic").And.Contain("topic", Incident).And.NotContainKey("tenantId");
        await FlushAsync(a, ada);
        TopicEventsOf(ada).Should().Equal(["joined:bob", "joined:cid", "left:cid"], "bob never left");
        UsersOf(await SubscribeAsync(ada, "organization", Incident)).Should().Equal("ada", "bob");
    }

    /// <summary>Subscribes one topic; returns its <c>presence</c>.</summary>
    private static async Task<IReadOnlyDictionary<string, object?>> SubscribeAsync(RealtimeClient client, string scope, string topic)
    {
        var answer = await client.InvokeAsync("Subscribe", new { scope, topic }).ConfigureAwait(false);
        var result = Results(answer).Single();
        result["subscribed"].Should().Be(true);
        return (IReadOnlyDictionary<string, object?>)result["presence"]!;
    }

    private static List<IReadOnlyDictionary<string, object?>> Results(IReadOnlyDictionary<string, object?> answer) =>
        [.. ((IEnumerable<object?>)answer["topics"]!).Cast<IReadOnlyDictionary<string, object?>>()];

    /// <summary>The topic presence events a client received about users other than itself, as "type:user".</summary>
    private static List<string> TopicEventsOf(RealtimeClient client) =>
        [.. client.Received
            .Where(m => m.EventName == Presence && m.String("scope") == "topic")
            .SelectMany(m => UsersOf(m).Where(user => user != client.User!.UserId).Select(user => $"{m.String("type")}:{user}"))];
}
