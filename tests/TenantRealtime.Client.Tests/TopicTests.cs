using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Client.Tests;

/// <summary>Topic subscriptions of the client against a real server: broadcasts, a cut connection, state and revocation.</summary>
public sealed class TopicTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");
    private static readonly Topic Incident = Topic.InTenant("org-a", "t1", "incident:42");
    private const string IncidentRoom = "topic:org-a:t1:incident:42";

    public sealed record Status(string Name, int Level);

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ASubscribedClientReceivesTheTopicsBroadcastsAndNoOtherTopics(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);

        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(node, Topic.InTenant("org-a", "t1", "incident:7"), "other-topic");
        await BroadcastAsync(node, Incident, "one");
        var received = (await alice.Events.WaitForCountAsync(1)).Single();

        subscription.Should().BeEquivalentTo(new { Room = IncidentRoom, IsActive = true });
        subscription.Topic.Should().Be(TopicRef.Tenant("incident:42", "t1", "org-a"), "the server resolved the connection's own ids");
        alice.Client.Topics.Should().Equal(subscription);
        received.Should().BeEquivalentTo(new { Scope = "topic", Topic = "incident:42", OrganizationId = "org-a", TenantId = "t1", Room = IncidentRoom, Seq = 1L, Data = new { Marker = "one" } },
            "each topic is a room of its own, numbered from 1; the other topic's broadcast did not reach the client");
        (await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42", "t1"))).Should().BeSameAs(subscription, "a topic already held gives the same subscription");
    }

    [Fact]
    public async Task UnsubscribingStopsTheTopicsBroadcastsAndForgetsItsRoom()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(node, Incident, "one");
        await alice.Events.WaitForCountAsync(1);

        await subscription.DisposeAsync();
        await BroadcastAsync(node, Incident, "after-unsubscribe");
        await alice.BroadcastAsync("tenant-marker");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "tenant-marker"));

        alice.Markers.Should().Equal("one", "tenant-marker");
        subscription.IsActive.Should().BeFalse();
        alice.Client.Topics.Should().BeEmpty();
        alice.Client.Positions.Should().NotContain(p => p.Room == IncidentRoom, "Resume no longer names the room");
        await subscription.UnsubscribeAsync();
        (await alice.Client.ResumeAsync()).Rooms.Should().OnlyContain(r => r.Recovered);
        alice.Reloads.Items.Should().BeEmpty();

        var again = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(node, Incident, "subscribed-again");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "subscribed-again"));
        again.Should().NotBeSameAs(subscription);
        again.IsActive.Should().BeTrue();
    }

    [Fact]
    public async Task AListSubscribeAnswersRefusedTopicsWithoutThrowingAndTheSingleFormThrowsForbidden()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);

        var result = await alice.Client.SubscribeAsync([
            TopicRef.Tenant("incident:42"),
            TopicRef.Tenant("incident:42", tenantId: "t2"),
            TopicRef.Organization("release"),
        ]);
        var refused = async () => await alice.Client.SubscribeAsync(TopicRef.Organization("release"));

        result.Subscribed.Select(s => s.Room).Should().Equal(IncidentRoom);
        result.Refused.Should().Equal(TopicRef.Tenant("incident:42", "t2", "org-a"), TopicRef.Organization("release", "org-a"));
        var thrown = (await refused.Should().ThrowAsync<TopicSubscriptionException>()).Which;
        thrown.Code.Should().Be(TenantRealtimeWire.Errors.Forbidden);
        thrown.Topic.Should().Be(TopicRef.Organization("release"));
        alice.Client.Topics.Select(s => s.Room).Should().Equal(IncidentRoom);
    }

    [Fact]
    public async Task ASubscribePastTheServersTopicLimitThrowsLimitExceeded()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.MaxTopicsPerConnection = 2 });
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        await alice.Client.SubscribeAsync([TopicRef.Tenant("one"), TopicRef.Tenant("two")]);

        var past = async () => await alice.Client.SubscribeAsync(TopicRef.Tenant("three"));

        var thrown = (await past.Should().ThrowAsync<TopicSubscriptionException>()).Which;
        thrown.Code.Should().Be(TenantRealtimeWire.Errors.LimitExceeded);
        thrown.Message.Should().StartWith("The server refused the subscription to the tenant */*/three topic (limit-exceeded): ").And.NotContain("HubException");
        alice.Client.Topics.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task AfterACutConnectionTheClientSubscribesAgainAndResumesTheTopicWithoutAGap(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(node, Incident, "before");
        await alice.Events.WaitForCountAsync(1);

        await alice.GoAwayAsync();
        var missed = Enumerable.Range(1, 10).Select(i => $"missed-{i}").ToList();
        foreach (var marker in missed)
        {
            await BroadcastAsync(node, Incident, marker);
        }

        var resumed = await alice.ReturnAsync();
        await BroadcastAsync(node, Incident, "after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        resumed.Rooms.Should().ContainSingle(r => r.Room == IncidentRoom).Which.Should().BeEquivalentTo(new { Recovered = true, Replayed = 10, Error = (string?)null },
            "the topic was subscribed again before Resume, which replayed what was sent while away");
        alice.Markers.Should().Equal(["before", .. missed, "after"], "each broadcast once, in order");
        alice.Events.Items.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 12).Select(i => (long?)i));
        alice.Reloads.Items.Should().BeEmpty();
        subscription.IsActive.Should().BeTrue();
        alice.Client.Positions.Should().ContainSingle(p => p.Room == IncidentRoom).Which.Seq.Should().Be(12);
    }

    [Fact]
    public async Task ATopicCutBeforeItsFirstBroadcastIsResumedFromItsPositionAtSubscribe()
    {
        await using var node = await RealtimeNode.StartAsync();
        await BroadcastAsync(node, Incident, "before-subscribe");
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        alice.Client.Positions.Should().ContainSingle(p => p.Room == IncidentRoom).Which.Seq.Should().Be(1, "Subscribe answered the room's position");

        await alice.GoAwayAsync();
        await BroadcastAsync(node, Incident, "missed-1");
        await BroadcastAsync(node, Incident, "missed-2");
        var resumed = await alice.ReturnAsync();
        await alice.Events.WaitForCountAsync(2);

        resumed.Rooms.Should().ContainSingle(r => r.Room == IncidentRoom).Which.Replayed.Should().Be(2);
        alice.Markers.Should().Equal("missed-1", "missed-2");
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task AClientStartedAgainAfterAStopSubscribesItsTopicsAgainAndResumesThem()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(node, Incident, "before");
        await alice.Events.WaitForCountAsync(1);

        await alice.Client.StopAsync();
        await BroadcastAsync(node, Incident, "while-stopped-1");
        await BroadcastAsync(node, Incident, "while-stopped-2");
        await alice.Client.StartAsync();
        await BroadcastAsync(node, Incident, "after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        alice.Markers.Should().Equal("before", "while-stopped-1", "while-stopped-2", "after");
        subscription.IsActive.Should().BeTrue();
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task TheTopicsStateMapEqualsTheServersAfterACutAndIsDroppedWhenUnsubscribed(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        var state = node.Services.GetRequiredService<ITenantState>();
        var room = StateRoom.OfTopic(Incident);
        for (var i = 0; i < 5; i++)
        {
            await state.SetAsync(room, $"svc-{i}", new Status($"svc-{i}", i));
        }

        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        var changes = new Recorder<StateChange<Status>>();
        alice.Client.OnStateChanged<Status>(changes.Add);
        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        Differences(alice.Client, await ServerMap(state, room)).Should().BeEmpty("SubscribeAsync completes once the topic's whole state is held");
        var held = alice.Client.GetStateVersion(IncidentRoom)!.Value;

        await alice.GoAwayAsync();
        await state.SetAsync(room, "svc-1", new Status("svc-1", 100));
        await state.SetAsync(room, "svc-5", new Status("svc-5", 5));
        await state.RemoveAsync(room, "svc-2");
        var resumed = await alice.ReturnAsync();
        await state.SetAsync(room, "after", new Status("after", 1));
        var expected = await ServerMap(state, room);
        await changes.WaitForAsync(_ => Differences(alice.Client, expected).Count == 0);

        resumed.States.Should().ContainSingle(s => s.Room == IncidentRoom).Which.Error.Should().BeNull("the topic was held again when Resume named its version");
        alice.Client.GetStateVersion(IncidentRoom)!.Value.Epoch.Should().Be(held.Epoch);
        changes.Items.Where(c => c.Room == IncidentRoom).Select(c => (c.Key, c.Removed)).Should().Contain([("svc-1", false), ("svc-5", false), ("svc-2", true), ("after", false)]);

        var before = changes.Items.Count;
        await subscription.UnsubscribeAsync();
        alice.Client.GetState<Status>(IncidentRoom).Should().BeEmpty();
        alice.Client.GetStateVersion(IncidentRoom).Should().BeNull();
        changes.Items.Skip(before).Should().OnlyContain(c => c.Room == IncidentRoom && c.Removed).And.HaveCount(6, "each key held went");
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task TheServersUnsubscribedEventRaisesTopicRevokedAndDeactivatesTheSubscription(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Realtime = b => b.WithTopicAuthorizer<SwitchableTopicAuthorizer>() });
        var authorizer = (SwitchableTopicAuthorizer)node.Services.GetRequiredService<ITopicAuthorizer>();
        await node.Services.GetRequiredService<ITenantState>().SetAsync(StateRoom.OfTopic(Incident), "svc", new Status("svc", 1));
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        var revoked = Record(alice.Client);
        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        alice.Client.GetState<Status>(IncidentRoom).Should().HaveCount(1);

        authorizer.Refuse = true;
        await node.Connections.RefreshUserRoomsAsync("org-a", "alice");
        var revocation = (await revoked.WaitForCountAsync(1)).Single();
        await BroadcastAsync(node, Incident, "after-revocation");
        await alice.BroadcastAsync("tenant-marker");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "tenant-marker"));

        revocation.Subscription.Should().BeSameAs(subscription);
        revocation.Error.Should().Be(TenantRealtimeWire.Errors.Forbidden);
        subscription.IsActive.Should().BeFalse();
        alice.Client.Topics.Should().BeEmpty();
        alice.Client.GetState<Status>(IncidentRoom).Should().BeEmpty();
        alice.Client.Positions.Should().NotContain(p => p.Room == IncidentRoom);
        alice.Markers.Should().Equal("tenant-marker");
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task ATopicRefusedWhenSubscribedAgainAfterACutIsRevokedBeforeResume()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Realtime = b => b.WithTopicAuthorizer<SwitchableTopicAuthorizer>() });
        var authorizer = (SwitchableTopicAuthorizer)node.Services.GetRequiredService<ITopicAuthorizer>();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        var revoked = Record(alice.Client);
        var subscription = await alice.Client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(node, Incident, "before");
        await alice.Events.WaitForCountAsync(1);

        await alice.GoAwayAsync();
        authorizer.Refuse = true;
        await BroadcastAsync(node, Incident, "while-away");
        var resumed = await alice.ReturnAsync();

        (await revoked.WaitForCountAsync(1)).Single().Should().BeEquivalentTo(new { Subscription = subscription, Error = "forbidden" });
        subscription.IsActive.Should().BeFalse();
        resumed.Rooms.Should().NotContain(r => r.Room == IncidentRoom, "the refused topic was forgotten before Resume");
        alice.Reloads.Items.Should().BeEmpty();
        alice.Markers.Should().Equal("before");
    }

    [Fact]
    public async Task AfterASwitchToAnotherServerTheTopicIsSubscribedThereAndItsStateIsThatServers()
    {
        await using var first = await RealtimeNode.StartAsync();
        await using var second = await RealtimeNode.StartAsync();
        var room = StateRoom.OfTopic(Incident);
        await first.Services.GetRequiredService<ITenantState>().SetAsync(room, "only-on-first", new Status("first", 1));
        var secondState = second.Services.GetRequiredService<ITenantState>();
        await secondState.SetAsync(room, "only-on-second", new Status("second", 2));

        var servers = new SwitchingServers(first, Alice);
        var resumes = new Recorder<ResumeResult>();
        var reloads = new Recorder<ReloadRequiredEventArgs>();
        var events = new Recorder<TenantEvent<Payload>>();
        await using var client = new TenantRealtimeClient(servers.Options());
        client.On<Payload>(ClientHarness.Event, events.Add);
        client.Resumed += result =>
        {
            resumes.Add(result);
            return Task.CompletedTask;
        };
        client.ReloadRequired += reload =>
        {
            reloads.Add(reload);
            return Task.CompletedTask;
        };
        var changes = new Recorder<StateChange<Status>>();
        client.OnStateChanged<Status>(changes.Add);
        await client.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));
        var subscription = await client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        await BroadcastAsync(first, Incident, "on-first");
        await events.WaitForCountAsync(1);
        client.GetState<Status>(IncidentRoom).Keys.Should().Equal("only-on-first");

        servers.Target = second;
        servers.Socket!.Abort();
        var resumed = (await resumes.WaitForCountAsync(1)).Single();
        await BroadcastAsync(second, Incident, "on-second");
        await events.WaitForAsync(received => received.Any(e => e.Data!.Marker == "on-second"));
        var expected = await ServerMap(secondState, room);
        await changes.WaitForAsync(_ => Differences(client, expected).Count == 0);

        resumed.Rooms.Should().ContainSingle(r => r.Room == IncidentRoom).Which.Error.Should().BeNull("the topic was subscribed on the second server before Resume");
        subscription.IsActive.Should().BeTrue();
        client.GetState<Status>(IncidentRoom).Keys.Should().Equal("only-on-second");
        changes.Items.Should().Contain(c => c.Room == IncidentRoom && c.Key == "only-on-first" && c.Removed);
        events.Items.Select(e => e.Data!.Marker).Should().Equal("on-first", "on-second");
        reloads.Items.Should().NotContain(r => r.Room == IncidentRoom && r.Reason == ReloadReason.Forbidden);
    }

    [Fact]
    public void TopicRefRefusesOnlyNullOrEmptyNamesAndIds()
    {
        FluentActions.Invoking(() => TopicRef.Tenant("")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => TopicRef.Tenant(null!)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => TopicRef.Tenant("a", tenantId: "")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => TopicRef.Organization("a", organizationId: "")).Should().Throw<ArgumentException>();

        TopicRef.Tenant("not valid on the server!").Should().BeEquivalentTo(new { Scope = "tenant", Topic = "not valid on the server!", OrganizationId = (string?)null, TenantId = (string?)null });
        TopicRef.Organization("release", "org-a").Should().BeEquivalentTo(new { Scope = "organization", Topic = "release", OrganizationId = "org-a", TenantId = (string?)null });
    }

    private static Task<BroadcastReceipt> BroadcastAsync(RealtimeNode node, Topic topic, string marker) =>
        node.Broadcaster.BroadcastToTopicAsync(topic, ClientHarness.Event, "updated", new { Marker = marker, Index = 0 });

    private static Recorder<TopicRevokedEventArgs> Record(TenantRealtimeClient client)
    {
        var revoked = new Recorder<TopicRevokedEventArgs>();
        client.TopicRevoked += args =>
        {
            revoked.Add(args);
            return Task.CompletedTask;
        };
        return revoked;
    }

    private static async Task<Dictionary<string, Status?>> ServerMap(ITenantState state, StateRoom room) =>
        (await state.GetAsync(room)).ToDictionary(
            pair => pair.Key,
            pair => JsonSerializer.SerializeToElement(pair.Value, JsonSerializerOptions.Web).Deserialize<Status>(JsonSerializerOptions.Web));

    /// <summary>The keys where the client's map of the topic differs from the server's.</summary>
    private static List<string> Differences(TenantRealtimeClient client, Dictionary<string, Status?> expected)
    {
        var actual = client.GetState<Status>(IncidentRoom);
        return [.. expected.Keys.Union(actual.Keys).Where(key => !expected.TryGetValue(key, out var value) || !actual.TryGetValue(key, out var held) || !Equals(value, held))];
    }

    /// <summary>Grants a tenant topic to the members of its tenant until <see cref="Refuse"/> is set.</summary>
    public sealed class SwitchableTopicAuthorizer : ITopicAuthorizer
    {
        private volatile bool _refuse;

        public bool Refuse
        {
            get => _refuse;
            set => _refuse = value;
        }

        public ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<bool>>([.. context.Topics.Select(topic => !Refuse && topic.TenantId == context.Identity.TenantId)]);
    }
}
