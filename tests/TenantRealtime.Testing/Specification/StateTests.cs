using System.Diagnostics.Metrics;
using FluentAssertions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Keyed state per room (<see cref="ITenantState"/>): the whole state when a connection starts, only what changed after
/// a reconnect, the admins' explicit read, the bounds, the rate bound, and isolation. State is set on
/// <see cref="IRealtimeCluster.Sender"/>, clients connect to <see cref="IRealtimeCluster.Receiver"/>.
/// </summary>
public abstract class StateTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string State = TenantRealtimeWire.Events.State;

    private ITenantState States => Cluster.Sender.Services.GetRequiredService<ITenantState>();

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task AuthenticateSendsTheWholeStateBeforeAnyLiveChangeOfIt(HubProtocolKind protocol)
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var room = StateRoom.Tenant(user.OrganizationId, "t1");
        var key = $"tenant:{user.OrganizationId}:t1";
        await States.SetAsync(room, "svc-1", new { status = "up", latency = 12 });
        await States.SetAsync(room, "svc-2", "down");

        // Changes keep coming while the client starts: none of them may reach it before the whole state.
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 2_000; i++)
            {
                await States.SetAsync(room, $"k{i % 500}", i);
            }
        });
        var client = await ConnectAsync(user, protocol, State);
        await client.InvokeAsync("Authenticate", new { });
        await stop.CancelAsync();
        await churn;
        await States.SetAsync(room, "done", true);
        var expected = Canonical(await States.GetAsync(room));

        // Merged changes go out at their keys' next slots: wait until the client holds the server's state.
        await client.WaitForAsync(State, _ => Canonical(Apply(StatesOf(client, key))) == expected);
        var messages = StatesOf(client, key);
        messages[0]["full"].Should().Be(true, "the whole state comes first");
        Sets(messages[0])["svc-1"].Should().BeEquivalentTo(new Dictionary<string, object?> { ["status"] = "up", ["latency"] = 12L });
        messages.Skip(1).Should().OnlyContain(m => Equals(m["full"], false), "only changes follow it");
        messages.Select(Version).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("a version is skipped only when a later change of its key replaced it");
        messages.Select(m => m.String("epoch")).Distinct().Should().ContainSingle();
    }

    [Fact]
    public async Task AResumeGetsOnlyTheKeysChangedAndRemovedSinceItsVersion()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var room = StateRoom.Tenant(user.OrganizationId, "t1");
        var key = $"tenant:{user.OrganizationId}:t1";
        var observer = await StartedAsync(TestUser.Member("olga", user.OrganizationId, "t1"));
        await States.SetAsync(room, "a", "a-1");
        await States.SetAsync(room, "b", "b-1");
        await States.SetAsync(room, "c", "c-1");
        var first = await StartedAsync(user);
        var whole = await first.WaitForAsync(State, m => m.String("room") == key && Version(m) == 3);
        await first.Connection.StopAsync();

        await States.SetAsync(room, "b", "b-2");
        await States.RemoveAsync(room, "c");
        await States.SetAsync(room, "d", "d-1");
        await observer.WaitForAsync(State, m => m.String("room") == key && Version(m) == 6);

        var back = await ConnectAsync(user, HubProtocolKind.Json, State);
        var resumed = await back.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = key, epoch = whole.String("epoch"), version = 3L } } });
        await back.InvokeAsync("Authenticate", new { });

        StateResults(resumed).Should().ContainSingle().Which.Should().BeEquivalentTo(
            new Dictionary<string, object?> { ["room"] = key, ["recovered"] = true, ["replayed"] = 3L, ["error"] = null });
        var delta = await back.WaitForAsync(State, m => m.String("room") == key);
        delta["full"].Should().Be(false);
        Version(delta).Should().Be(6);
        Sets(delta).Should().BeEquivalentTo(new Dictionary<string, object?> { ["b"] = "b-2", ["d"] = "d-1" });
        ((IEnumerable<object?>)delta["removed"]!).Should().Equal("c");

        await States.SetAsync(room, "e", "e-1");
        var live = await back.WaitForAsync(State, m => m.String("room") == key && Sets(m).ContainsKey("e"));
        Version(live).Should().Be(7, "live changes follow the resumed version");
        StatesOf(back, key).Should().Equal([delta, live], "Authenticate sends nothing more for a room the resume started");
    }

    [Fact]
    public async Task AResumeFromAnotherEpochGetsTheWholeState()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var room = StateRoom.Tenant(user.OrganizationId, "t1");
        var key = $"tenant:{user.OrganizationId}:t1";
        await States.SetAsync(room, "a", "a-1");
        await States.SetAsync(room, "b", "b-1");

        var client = await ConnectAsync(user, HubProtocolKind.Json, State);
        var resumed = await client.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = key, epoch = "lost-epoch", version = 1L } } });

        StateResults(resumed).Single().Should().BeEquivalentTo(
            new Dictionary<string, object?> { ["room"] = key, ["recovered"] = false, ["replayed"] = 2L, ["error"] = null });
        var whole = await client.WaitForAsync(State, m => m.String("room") == key);
        whole["full"].Should().Be(true);
        Sets(whole).Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = "a-1", ["b"] = "b-1" });
        whole.String("epoch").Should().NotBe("lost-epoch");
    }

    [Fact]
    public async Task BoundsAreRefusedWithTheirCodesAndChangeNothing()
    {
        await using var node = await Cluster.StartNodeAsync(o =>
        {
            o.MaxStateKeysPerRoom = 2;
            o.MaxStateValueBytes = 32;
        });
        var state = node.Services.GetRequiredService<ITenantState>();
        var room = StateRoom.Organization(Org("a"));
        await state.SetAsync(room, "a", "1");
        await state.SetAsync(room, "b", "2");

        var tooMany = await FluentActions.Awaiting(() => state.SetAsync(room, "c", "3")).Should().ThrowAsync<TenantRealtimeLimitExceededException>();
        tooMany.Which.Message.Should().StartWith("limit-exceeded: ").And.Contain("MaxStateKeysPerRoom");
        tooMany.Which.Code.Should().Be(TenantRealtimeWire.Errors.LimitExceeded);
        var tooLarge = await FluentActions.Awaiting(() => state.SetAsync(room, "a", new string('x', 40))).Should().ThrowAsync<TenantRealtimeLimitExceededException>();
        tooLarge.Which.Message.Should().StartWith("limit-exceeded: ").And.Contain("MaxStateValueBytes");
        await FluentActions.Awaiting(() => state.SetAsync(room, "no:colons", "1")).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => state.SetAsync(StateRoom.Tenant(Org("a"), "t 1"), "a", "1")).Should().ThrowAsync<ArgumentException>();
        (await state.GetAsync(room)).Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = "1", ["b"] = "2" }, "a refused change changes nothing");

        await state.RemoveAsync(room, "b");
        await state.SetAsync(room, "c", "3");
        (await state.GetAsync(room)).Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = "1", ["c"] = "3" }, "a removed key frees its place");
    }

    [Fact]
    public async Task OverTheRateBoundChangesMergeAndTheLatestValueAlwaysArrives()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.StateUpdatesPerSecondPerKey = 10);
        var state = node.Services.GetRequiredService<ITenantState>();
        var user = TestUser.Member("alice", Org("a"), "t1");
        var key = $"tenant:{user.OrganizationId}:t1";
        var client = Track(await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, State));
        await client.InvokeAsync("Authenticate", new { });

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 1; i <= 200; i++)
        {
            await state.SetAsync(StateRoom.Tenant(user.OrganizationId, "t1"), "flapping", i);
        }

        await client.WaitForAsync(State, m => m.String("room") == key && Equals(Sets(m).GetValueOrDefault("flapping"), 200L));
        var elapsed = started.Elapsed;
        var sent = StatesOf(client, key).Where(m => Sets(m).ContainsKey("flapping")).ToList();
        sent.Count.Should().BeLessThanOrEqualTo(2 + (int)Math.Ceiling(elapsed.TotalSeconds * 10), "at most 10 changes a second go out for one key");
        sent.Count.Should().BeLessThan(200, "the changes were merged");
        Sets(sent[^1])["flapping"].Should().Be(200L, "the latest value is never lost");
    }

    [Fact]
    public async Task ATenantsStateNeverReachesAnotherTenantOnStartOnResumeOrLive()
    {
        string org = Org("a"), other = Org("b");
        var key = $"tenant:{org}:t1";
        await States.SetAsync(StateRoom.Tenant(org, "t1"), "secret", "t1-only");
        var neighbour = await StartedAsync(TestUser.Member("nick", org, "t2"));
        var namesake = await StartedAsync(TestUser.Member("sam", other, "t1"));
        var foreignAdmin = await StartedAsync(TestUser.Admin("fay", other));

        foreach (var client in new[] { neighbour, namesake, foreignAdmin })
        {
            var error = await FluentActions.Awaiting(() => client.InvokeAsync("GetState", new { room = key })).Should().ThrowAsync<HubException>();
            error.Which.Message.Should().EndWith("forbidden: the connection does not hold that room's state.");
            var resumed = await client.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = key, epoch = "e", version = 0L } } });
            StateResults(resumed).Single()["error"].Should().Be("forbidden");
        }

        await States.SetAsync(StateRoom.Tenant(org, "t1"), "secret", "t1-again");
        await States.SetAsync(StateRoom.Tenant(org, "t2"), "mark", "t2");
        await States.SetAsync(StateRoom.Tenant(other, "t1"), "mark", "other-t1");
        await States.SetAsync(StateRoom.Organization(other), "mark", "other");
        await neighbour.WaitForAsync(State, m => m.String("room") == $"tenant:{org}:t2");
        await namesake.WaitForAsync(State, m => m.String("room") == $"tenant:{other}:t1");
        await foreignAdmin.WaitForAsync(State, m => m.String("room") == $"org:{other}");

        foreach (var client in new[] { neighbour, namesake, foreignAdmin })
        {
            client.Received.Where(m => m.EventName == State).Should().NotContain(m => m.String("room") == key, $"{client.Name} is not of tenant t1 of {org}");
        }
    }

    [Fact]
    public async Task AnAdminGetsATenantsChangesOnlyAfterReadingItsState()
    {
        var org = Org("a");
        var key = $"tenant:{org}:t1";
        var tenant = StateRoom.Tenant(org, "t1");
        await States.SetAsync(tenant, "a", "a-1");
        var admin = await StartedAsync(TestUser.Admin("ada", org));

        await States.SetAsync(tenant, "b", "b-1");
        await States.SetAsync(StateRoom.Organization(org), "mark", "1");
        await admin.WaitForAsync(State, m => m.String("room") == $"org:{org}" && Sets(m).ContainsKey("mark"));
        StatesOf(admin, key).Should().BeEmpty("the admin has not read that tenant's state, so it could not apply a change of it");

        var read = await admin.InvokeAsync("GetState", new { room = key });
        var whole = await admin.WaitForAsync(State, m => m.String("room") == key);
        whole["full"].Should().Be(true);
        Sets(whole).Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = "a-1", ["b"] = "b-1" });
        read.Should().BeEquivalentTo(new Dictionary<string, object?> { ["room"] = key, ["epoch"] = whole.String("epoch"), ["version"] = Version(whole) });

        await States.SetAsync(tenant, "c", "c-1");
        var live = await admin.WaitForAsync(State, m => m.String("room") == key && Sets(m).ContainsKey("c"));
        Version(live).Should().Be(Version(whole) + 1, "from the read on, the tenant's changes reach the admin live through org-admins");
        StatesOf(admin, key).Should().Equal([whole, live]);
    }

    [Fact]
    public async Task ConcurrentSettersOfOneKeyLeaveEveryClientWithTheServersFinalValue()
    {
        var org = Org("a");
        var key = $"org:{org}";
        var room = StateRoom.Organization(org);
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartedAsync(TestUser.Member($"u{i}", org, $"t{i}"))));

        await Task.WhenAll(Enumerable.Range(0, 2).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                await States.SetAsync(room, "shared", $"{writer}-{i}");
            }
        })));

        var expected = Canonical(await States.GetAsync(room));
        foreach (var client in clients)
        {
            await client.WaitForAsync(State, _ => Canonical(Apply(StatesOf(client, key))) == expected);
            StatesOf(client, key).Select(Version).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public async Task StateChangesAndBroadcastsReachAConnectionInTheOrderTheyWereSent()
    {
        const string Event = "order";
        var user = TestUser.Member("alice", Org("a"), "t1");
        var room = StateRoom.Tenant(user.OrganizationId, "t1");
        var client = await ConnectAsync(user, HubProtocolKind.Json, State, Event);
        await client.InvokeAsync("Authenticate", new { });

        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "before");
        await States.SetAsync(room, "k", "state");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "after");

        await client.WaitForAsync(Event, m => m.String("data") == "after");
        client.Received.Where(m => m.EventName is State or Event)
            .Select(m => m.EventName == State ? (string)Sets(m)["k"]! : m.String("data"))
            .Should().Equal("before", "state", "after");
    }

    [Fact]
    public async Task AfterLeavingAnOrganizationItsStateChangesStopUntilItIsReadAgain()
    {
        string home = Org("home"), other = Org("other");
        var key = $"org:{other}";
        var admin = await StartedAsync(TestUser.PlatformAdmin("pat", home));
        await admin.InvokeAsync("JoinOrganization", new { organizationId = other });
        await admin.InvokeAsync("GetState", new { room = key });
        await admin.InvokeAsync("LeaveOrganization", new { organizationId = other });

        await States.SetAsync(StateRoom.Organization(other), "a", "while-away");
        await admin.InvokeAsync("JoinOrganization", new { organizationId = other });
        await States.SetAsync(StateRoom.Organization(other), "b", "after-rejoin");
        await States.SetAsync(StateRoom.Organization(home), "mark", "1");
        await admin.WaitForAsync(State, m => m.String("room") == $"org:{home}");
        StatesOf(admin, key).Should().ContainSingle("a change after the rejoin would leave a gap: the room is read again first");

        await admin.InvokeAsync("GetState", new { room = key });
        var whole = await admin.WaitForAsync(State, m => m.String("room") == key && Version(m) == 2);
        Sets(whole).Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = "while-away", ["b"] = "after-rejoin" });
    }

    [Fact]
    public async Task AKeyFlippedAThousandTimesAtAPausedReaderEndsWithTheFinalValueAndTheReaderIsNeverCutOff()
    {
        const int Flips = 1_000;
        var padding = new string('x', 15_000);

        // A fast rate bound, so every flip goes out: 15 MB at a reader that stops reading, 15 times the send bound.
        await using var node = await Cluster.StartNodeAsync(o => (o.StateUpdatesPerSecondPerKey, o.MaxSendBacklogBytes, o.MaxSendBacklogMessages) = (1_000, 1024 * 1024, 100));
        var state = node.Services.GetRequiredService<ITenantState>();
        using var closed = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.connections.closed_by_server");
        using var backlog = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.send.backlog");
        using var replaced = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.state.replaced");
        var org = Org("a");
        var room = StateRoom.Tenant(org, "t1");
        var key = $"tenant:{org}:t1";
        await state.SetAsync(room, "steady", "ok");
        var paused = Track(await RealtimeClient.ConnectPausableAsync(node.HubUrl, TestUser.Member("paula", org, "t1"), HubProtocolKind.Json, State));
        await paused.InvokeAsync("Authenticate", new { });
        var neighbour = Track(await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("nina", org, "t1"), HubProtocolKind.Json, State));
        await neighbour.InvokeAsync("Authenticate", new { });

        paused.Socket!.PauseReading();
        long peak = 0;
        for (var i = 1; i <= Flips; i++)
        {
            await state.SetAsync(room, "flip", new { i, pad = padding });

            // Each flip has gone out once the reading neighbour has it.
            await neighbour.WaitForAsync(State, m => m.String("room") == key && Flip(m) == i);
            backlog.RecordObservableInstruments();
            peak = Math.Max(peak, backlog.LastMeasurement!.Value);
        }

        replaced.RecordObservableInstruments();
        replaced.LastMeasurement!.Value.Should().BeGreaterThan(0, "the paused reader's queue had flips to replace");
        peak.Should().BeLessThan(2 * 16 * 1024, "it holds at most one change of the key: keys × size, not flips × size");
        paused.Closed.IsCompleted.Should().BeFalse();
        closed.GetMeasurementSnapshot().Should().BeEmpty("a reader of state traffic is never cut off for it");

        paused.Socket.ResumeReading();
        await paused.WaitForAsync(State, m => m.String("room") == key && Flip(m) == Flips, TimeSpan.FromSeconds(30));
        var received = StatesOf(paused, key);
        received.Select(Version).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        received.Count.Should().BeLessThan(Flips, "replaced flips never reached it");
        Canonical(Apply(received)).Should().Be(Canonical(Apply(StatesOf(neighbour, key))), "both hold the server's final state");

        static long Flip(ReceivedMessage message) =>
            Sets(message).GetValueOrDefault("flip") is IReadOnlyDictionary<string, object?> value ? (long)value["i"]! : 0;
    }

    [Fact]
    public async Task AKeyWhoseTimeToLiveEndsIsRemovedForConnectedClientsReadsAndResumes()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var room = StateRoom.Tenant(user.OrganizationId, "t1");
        var key = $"tenant:{user.OrganizationId}:t1";
        var client = await StartedAsync(user);
        await States.SetAsync(room, "kept", "k");
        await States.SetAsync(room, "lease", "held", TimeSpan.FromSeconds(1));
        var set = await client.WaitForAsync(State, m => m.String("room") == key && Sets(m).ContainsKey("lease"));

        var gone = await client.WaitForAsync(State, m => m.String("room") == key && Removed(m).Contains("lease"), TimeSpan.FromSeconds(10));
        (gone["full"], Sets(gone).Count).Should().Be((false, 0), "the expiry is an ordinary removal");
        Version(gone).Should().Be(Version(set) + 1, "it takes the room's next version");
        (await States.GetAsync(room)).Should().BeEquivalentTo(new Dictionary<string, object?> { ["kept"] = "k" });

        var back = await ConnectAsync(user, HubProtocolKind.Json, State);
        var resumed = await back.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = key, epoch = set.String("epoch"), version = Version(set) } } });
        StateResults(resumed).Single()["recovered"].Should().Be(true);
        var delta = await back.WaitForAsync(State, m => m.String("room") == key);
        (delta["full"], Sets(delta).Count, Version(delta)).Should().Be((false, 0, Version(gone)));
        Removed(delta).Should().Equal("lease");
    }

    [Fact]
    public async Task AKeySetAgainBeforeItsTimeToLiveEndsStaysAndASetWithoutOneKeepsItUntilRemoved()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var room = StateRoom.Tenant(user.OrganizationId, "t1");
        var key = $"tenant:{user.OrganizationId}:t1";
        var client = await StartedAsync(user);
        foreach (var outOfRange in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(999), TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-1) })
        {
            var refused = await FluentActions.Awaiting(() => States.SetAsync(room, "x", 1, outOfRange)).Should().ThrowAsync<ArgumentOutOfRangeException>();
            refused.Which.ParamName.Should().Be("timeToLive");
            refused.Which.Message.Should().Contain("between 1 second and 30 days");
        }

        await States.SetAsync(room, "renewed", 1, TimeSpan.FromSeconds(3));
        await States.SetAsync(room, "permanent", 1, TimeSpan.FromSeconds(1));
        await States.SetAsync(room, "permanent", 2);
        await States.SetAsync(room, "first", 1, TimeSpan.FromSeconds(1));

        // About a second in: 'renewed' is set again with 5 s (due at about 6 s instead of 3 s), 'probe' ends at about 3.5 s.
        await client.WaitForAsync(State, m => m.String("room") == key && Removed(m).Contains("first"), TimeSpan.FromSeconds(10));
        await States.SetAsync(room, "renewed", 2, TimeSpan.FromSeconds(5));
        await States.SetAsync(room, "probe", 1, TimeSpan.FromMilliseconds(2_500));
        await client.WaitForAsync(State, m => m.String("room") == key && Removed(m).Contains("probe"), TimeSpan.FromSeconds(10));

        StatesOf(client, key).SelectMany(Removed).Should().Equal(["first", "probe"], "'renewed' restarted its clock and 'permanent' lost its time-to-live");
        (await States.GetAsync(room)).Should().BeEquivalentTo(new Dictionary<string, object?> { ["renewed"] = 2L, ["permanent"] = 2L });
    }

    /// <summary>Connects, listening to state, and calls <c>Authenticate</c>: the whole state of its rooms has arrived when this returns.</summary>
    private async Task<RealtimeClient> StartedAsync(TestUser user)
    {
        var client = await ConnectAsync(user, HubProtocolKind.Json, State);
        await client.InvokeAsync("Authenticate", new { });
        return client;
    }

    private static List<ReceivedMessage> StatesOf(RealtimeClient client, string room) =>
        [.. client.Received.Where(m => m.EventName == State && m.String("room") == room)];

    private static long Version(ReceivedMessage message) => (long)message["version"]!;

    private static IReadOnlyDictionary<string, object?> Sets(ReceivedMessage message) => (IReadOnlyDictionary<string, object?>)message["set"]!;

    private static List<string> Removed(ReceivedMessage message) => [.. ((IEnumerable<object?>)message["removed"]!).Cast<string>()];

    private static List<IReadOnlyDictionary<string, object?>> StateResults(IReadOnlyDictionary<string, object?> resumed) =>
        [.. ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>()];

    private static string Canonical(IReadOnlyDictionary<string, object?> state) =>
        System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, object?>(state.ToDictionary(), StringComparer.Ordinal));

    /// <summary>What a client holds after applying <paramref name="messages"/> by the documented rules.</summary>
    private static Dictionary<string, object?> Apply(IEnumerable<ReceivedMessage> messages)
    {
        var held = new Dictionary<string, object?>(StringComparer.Ordinal);
        var version = -1L;
        foreach (var message in messages)
        {
            if (Equals(message["full"], true))
            {
                held = new Dictionary<string, object?>(Sets(message), StringComparer.Ordinal);
                version = Version(message);
                continue;
            }

            if (Version(message) <= version)
            {
                continue;
            }

            foreach (var (key, value) in Sets(message))
            {
                held[key] = value;
            }

            foreach (var key in ((IEnumerable<object?>)message["removed"]!).Cast<string>())
            {
                held.Remove(key);
            }

            version = Version(message);
        }

        return held;
    }
}
