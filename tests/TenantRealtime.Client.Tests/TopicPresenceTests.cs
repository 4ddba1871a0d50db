using System.Diagnostics;

namespace TenantRealtime.Client.Tests;

/// <summary>
/// <see cref="TopicSubscription.Presence"/> against a real server whose <c>viewing:</c> topics track presence
/// (<see cref="PresenceSettings"/>): the list from <c>Subscribe</c>'s answer, kept up to date by <c>joined</c> and
/// <c>left</c>, replaced by the subscribe after a reconnect.
/// </summary>
public sealed class TopicPresenceTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1") with { DisplayName = "Alice" };
    private static readonly TestUser Bob = TestUser.Member("bob", "org-a", "t1") with { DisplayName = "Bob" };
    private static readonly TestUser Cat = TestUser.Member("cat", "org-a", "t1");
    private static readonly TestUser Dan = TestUser.Member("dan", "org-a", "t1");
    private static readonly TopicRef Viewing = TopicRef.Tenant(PresenceSettings.TopicPrefix + "incident:42");

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task TwoSubscribersListEachOtherAndAnUnsubscribedOneIsDroppedAfterTheDebounce(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = PresenceSettings.Apply });
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        await using var bob = await ClientHarness.StartAsync(node, Bob, protocol);

        // Bob's app reads presence events itself too: its typed registration must not stop the client keeping the list.
        var bobsEvents = new Recorder<TenantEvent<PresenceData>>();
        using var typed = bob.Client.On<PresenceData>(TenantRealtimeWire.Events.Presence, bobsEvents.Add);

        var alices = await alice.Client.SubscribeAsync(Viewing);
        UserIds(alices.Presence).Should().Equal(["alice"], "the answer lists the subscriber's own user");
        var changes = Record(alices);
        alices.PresenceChanged += (_, _) => throw new InvalidOperationException("a failing handler");
        var bobs = await bob.Client.SubscribeAsync(Viewing);

        UserIds(bobs.Presence).Should().Equal(["alice", "bob"], "users are ordered by when they subscribed");
        bobs.Presence!.Should().BeEquivalentTo(new { UserCount = 2L, CountsOnly = false });
        bobs.Presence.Users[0].Should().BeEquivalentTo(new { UserId = "alice", DisplayName = "Alice", Connections = 1L });
        bobs.PresenceError.Should().BeNull();
        await changes.WaitForAsync(seen => seen.Any(e => UserIds(e.Presence).SequenceEqual(["alice", "bob"])));
        alices.Presence!.Users.Should().BeEquivalentTo(bobs.Presence.Users, options => options.WithStrictOrdering());
        alices.Presence.UserCount.Should().Be(2);
        await bobsEvents.WaitForAsync(seen => seen.Any(e => e.Scope == TenantRealtimeWire.Scopes.Topic && e.Data!.Users.Any(u => u.UserId == "bob")));

        var since = Stopwatch.StartNew();
        await bobs.UnsubscribeAsync();
        bobs.Presence.Should().BeNull("an inactive subscription holds no presence");
        var dropped = await changes.WaitForAsync(seen => seen.Any(e => UserIds(e.Presence).SequenceEqual(["alice"])), TimeSpan.FromSeconds(20));

        since.Elapsed.Should().BeGreaterThan(PresenceSettings.Debounce - TimeSpan.FromMilliseconds(250), "a user leaves once the server's debounce has passed");
        dropped[^1].Should().BeEquivalentTo(new { Subscription = alices, PresenceError = (string?)null });
        dropped[^1].Presence!.UserCount.Should().Be(1);
        alices.Presence.Should().BeSameAs(dropped[^1].Presence, "the event carries the snapshot the subscription holds");
        alice.Logs.GetSnapshot().Should().Contain(r => r.Id.Name == "PresenceHandlerFailed", "a handler's exception is logged, not thrown");
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task ATopicWithoutPresenceHasNoPresenceAndAnOrganizationTopicTracksIt()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = PresenceSettings.Apply });
        await using var ada = await ClientHarness.StartAsync(node, TestUser.Admin("ada", "org-a"), HubProtocolKind.Json);
        await using var ben = await ClientHarness.StartAsync(node, TestUser.Admin("ben", "org-a"), HubProtocolKind.Json);

        var plain = await ada.Client.SubscribeAsync(TopicRef.Tenant("incident:42", "t1"));
        var board = await ada.Client.SubscribeAsync(TopicRef.Organization(PresenceSettings.TopicPrefix + "board"));
        var changes = Record(board);
        var bens = await ben.Client.SubscribeAsync(TopicRef.Organization(PresenceSettings.TopicPrefix + "board"));
        await changes.WaitForAsync(seen => seen.Any(e => UserIds(e.Presence).SequenceEqual(["ada", "ben"])));

        plain.Presence.Should().BeNull("the topic's prefix does not track presence");
        plain.PresenceError.Should().BeNull();
        UserIds(bens.Presence).Should().Equal("ada", "ben");
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task AfterAReconnectTheListIsReplacedByTheResubscribesAnswer(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = PresenceSettings.Apply });
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        await using var bob = await ClientHarness.StartAsync(node, Bob, protocol);
        await using var cat = await ClientHarness.StartAsync(node, Cat, protocol);
        var alices = await alice.Client.SubscribeAsync(Viewing);
        var bobs = await bob.Client.SubscribeAsync(Viewing);
        var cats = await cat.Client.SubscribeAsync(Viewing);
        await WaitForUsersAsync(alices, "alice", "bob", "cat");
        var aliceChanges = Record(alices);

        // While alice is away bob leaves and dan comes; she hears of neither, and her own user leaves too.
        await alice.GoAwayAsync();
        await bobs.UnsubscribeAsync();
        await using var dan = await ClientHarness.StartAsync(node, Dan, protocol);
        await dan.Client.SubscribeAsync(Viewing);
        await WaitForUsersAsync(cats, "cat", "dan");
        UserIds(alices.Presence).Should().Equal(["alice", "bob", "cat"], "the list is kept while the client is away");

        var heard = aliceChanges.Items.Count;
        await alice.ReturnAsync();

        UserIds(alices.Presence).Should().Equal(["cat", "dan", "alice"], "the resubscribe's answer replaced the list; alice joined again last");
        alices.Presence!.UserCount.Should().Be(3);
        aliceChanges.Items.Skip(heard).Select(e => UserIds(e.Presence)).Should().ContainEquivalentOf(new[] { "cat", "dan", "alice" });
        await WaitForUsersAsync(cats, "cat", "dan", "alice");
        alices.IsActive.Should().BeTrue();
    }

    private static Recorder<TopicPresenceChangedEventArgs> Record(TopicSubscription subscription)
    {
        var changes = new Recorder<TopicPresenceChangedEventArgs>();
        subscription.PresenceChanged += (_, args) => changes.Add(args);
        return changes;
    }

    /// <summary>Waits until the subscription lists exactly <paramref name="expected"/>, checking again at each change.</summary>
    private static async Task WaitForUsersAsync(TopicSubscription subscription, params string[] expected)
    {
        var changes = new Recorder<TopicPresenceChangedEventArgs>();
        EventHandler<TopicPresenceChangedEventArgs> handler = (_, args) => changes.Add(args);
        subscription.PresenceChanged += handler;
        try
        {
            // Long enough for a leave, which comes only after the server's debounce.
            await changes.WaitForAsync(_ => UserIds(subscription.Presence).SequenceEqual(expected), PresenceSettings.Debounce + TimeSpan.FromSeconds(15));
        }
        finally
        {
            subscription.PresenceChanged -= handler;
        }
    }

    private static IReadOnlyList<string> UserIds(TopicPresence? presence) => presence is null ? [] : [.. presence.Users.Select(u => u.UserId)];
}
