using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>
/// The per-key rate bound, the tombstones' bound and keys' time-to-live on the server's <see cref="TimeProvider"/>: a
/// fake one here, so each test says exactly when a merged change goes out or a key ends, not roughly.
/// </summary>
public sealed class StateTimingTests : IAsyncLifetime
{
    private const string State = TenantRealtimeWire.Events.State;
    private const string Room = "tenant:org-a:t1";
    private static readonly StateRoom Tenant = StateRoom.Tenant("org-a", "t1");

    // On a whole second, so on the grid a key's slots are rounded up to (a tenth of 1 / the rate): each test's slot is
    // exactly 1 / the rate after the change that went out.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    private readonly List<IAsyncDisposable> _owned = [];
    private RealtimeNode _node = null!;

    private ITenantState States => _node.Services.GetRequiredService<ITenantState>();

    [Fact]
    public async Task ChangesOverTheRateBoundMergeAndTheLatestGoesOutAtTheNextSlotAndNotBefore()
    {
        var amy = await HoldingSvcUpAsync();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await States.SetAsync(Tenant, "svc", "down");
        await States.SetAsync(Tenant, "svc", "up");
        await States.SetAsync(Tenant, "svc", "degraded");
        await States.SetAsync(Tenant, "other", "first");
        await amy.WaitForAsync(State, m => Value(m, "other") is "first");
        amy.Received.Where(m => m.EventName == State).Should().HaveCount(2, "another key has its own slot; 'svc' waits for its next one");

        _time.Advance(TimeSpan.FromMilliseconds(89));
        await FlushAsync(amy);
        amy.Received.Where(m => m.EventName == State).Should().HaveCount(2, "100 ms have not passed since 'svc' last went out");

        // Due now; with no further change to carry it, the one slot timer sends it within two ticks (10 ms).
        _time.Advance(TimeSpan.FromMilliseconds(1) + StateSlots.MaxLate);
        var merged = await amy.WaitForAsync(State, m => Value(m, "svc") is "degraded");
        ((long)merged["version"]!).Should().Be(3, "the merged changes went out as one, numbered when it went out");
        amy.Received.Where(m => m.EventName == State).Select(m => Value(m, "svc") ?? "-").Should().Equal("up", "-", "degraded");
        (await States.GetAsync(Tenant))["svc"].Should().Be("degraded");
    }

    [Fact]
    public async Task AMergedChangeGoesOutWithTheAppsNextChangeOnceItsSlotHasComeWithoutWaitingForTheTimer()
    {
        var amy = await HoldingSvcUpAsync();
        await States.SetAsync(Tenant, "svc", "down");

        // Its slot has come, but the timer waits a tick past it for a change to carry it: the next change does.
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await FlushAsync(amy);
        amy.Received.Where(m => m.EventName == State).Should().ContainSingle("the timer has not fired");
        await States.SetAsync(Tenant, "other", "first");
        await amy.WaitForAsync(State, m => Value(m, "svc") is "down");
        amy.Received.Where(m => m.EventName == State).Select(m => Value(m, "svc") ?? Value(m, "other")).Should().Equal("up", "first", "down");
    }

    [Fact]
    public async Task AKeySetAndRemovedWithinOneSlotSendsNothingAndARemovalWaitsItsTurnToo()
    {
        var amy = await HoldingSvcUpAsync();

        await States.RemoveAsync(Tenant, "svc");
        await States.SetAsync(Tenant, "svc", "back");
        await States.RemoveAsync(Tenant, "svc");
        _time.Advance(TimeSpan.FromMilliseconds(100) + StateSlots.MaxLate);
        var removed = await amy.WaitForAsync(State, m => ((IEnumerable<object?>)m["removed"]!).Contains("svc"));
        ((long)removed["version"]!).Should().Be(2);

        await States.SetAsync(Tenant, "blip", "on");
        await States.SetAsync(Tenant, "blip", "again");
        await States.RemoveAsync(Tenant, "blip");
        _time.Advance(TimeSpan.FromMilliseconds(100) + StateSlots.MaxLate);
        await States.SetAsync(Tenant, "mark", "1");
        await amy.WaitForAsync(State, m => Value(m, "mark") is "1");
        amy.Received.Where(m => m.EventName == State).Select(m => (long)m["version"]!).Should().Equal([1L, 2L, 3L, 4L, 5L],
            "'blip' went out once, and its removal at the next slot");
    }

    [Fact]
    public async Task AResumeOlderThanADroppedTombstoneGetsTheWholeState()
    {
        await StartAsync(o => o.MaxStateKeysPerRoom = 2);
        var amy = await StartedAsync(TestUser.Member("amy", "org-a", "t1"));
        await States.SetAsync(Tenant, "a", "1");
        await States.SetAsync(Tenant, "b", "1");
        var held = await amy.WaitForAsync(State, m => (long)m["version"]! == 2);
        _time.Advance(TimeSpan.FromSeconds(1));
        await States.RemoveAsync(Tenant, "a");
        await States.RemoveAsync(Tenant, "b");
        await States.SetAsync(Tenant, "c", "1");
        _time.Advance(TimeSpan.FromSeconds(1));
        await States.RemoveAsync(Tenant, "c");
        await amy.WaitForAsync(State, m => (long)m["version"]! == 6);

        var late = await ConnectAsync(TestUser.Member("bob", "org-a", "t1"));
        var fromOld = await late.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = Room, epoch = held.String("epoch"), version = 2L } } });
        var recent = await ConnectAsync(TestUser.Member("cat", "org-a", "t1"));
        var fromRecent = await recent.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = Room, epoch = held.String("epoch"), version = 4L } } });

        StateResult(fromOld)["recovered"].Should().Be(false, "the removal of 'a' at version 3 is no longer kept: only 2 tombstones are");
        var whole = await late.WaitForAsync(State);
        (whole["full"], ((IReadOnlyDictionary<string, object?>)whole["set"]!).Count).Should().Be((true, 0));
        StateResult(fromRecent)["recovered"].Should().Be(true);
        var delta = await recent.WaitForAsync(State);
        ((IEnumerable<object?>)delta["removed"]!).Should().Equal("c");
    }

    [Fact]
    public async Task StateIsMeasuredByScopeNeverByIdsWithMergedChangesKeysPerRoomAndSnapshotBytes()
    {
        await StartAsync(o => o.StateUpdatesPerSecondPerKey = 10);
        var meters = _node.Services.GetRequiredService<IMeterFactory>();
        using var changes = new MetricCollector<long>(meters, "TenantRealtime", "tenantrealtime.state.changes");
        using var merged = new MetricCollector<long>(meters, "TenantRealtime", "tenantrealtime.state.merged");
        using var keys = new MetricCollector<long>(meters, "TenantRealtime", "tenantrealtime.state.room.keys");
        using var snapshots = new MetricCollector<long>(meters, "TenantRealtime", "tenantrealtime.state.snapshot.size");

        await States.SetAsync(Tenant, "a", "1");
        await States.SetAsync(Tenant, "b", "22");
        await States.SetAsync(Tenant, "b", "333");
        await States.SetAsync(Tenant, "b", "4444");
        _time.Advance(TimeSpan.FromMilliseconds(100) + StateSlots.MaxLate);
        await StartedAsync(TestUser.Member("amy", "org-a", "t1"));

        changes.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(3, "'b' went out twice: at once, then merged");
        merged.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(1, "'333' was replaced by '4444' before its slot");
        keys.LastMeasurement!.Value.Should().Be(2);
        var snapshot = snapshots.LastMeasurement!;
        snapshot.Value.Should().Be("\"1\"".Length + "\"4444\"".Length, "the whole state's values, as JSON");
        snapshot.Tags.Should().BeEquivalentTo(new Dictionary<string, object?> { ["tenantrealtime.scope"] = "tenant", ["tenantrealtime.state.kind"] = "whole" });
        changes.GetMeasurementSnapshot().Should().OnlyContain(m => m.Tags.Count == 1 && Equals(m.Tags["tenantrealtime.scope"], "tenant"), "tags never carry ids");
    }

    [Fact]
    public async Task AKeyEndsAtItsTimeToLiveWithinTwoTicksAndNotBeforeAsAVersionedRemoval()
    {
        await StartAsync(_ => { });
        var amy = await StartedAsync(TestUser.Member("amy", "org-a", "t1"));
        await States.SetAsync(Tenant, "lease", "held", TimeSpan.FromSeconds(5));
        await amy.WaitForAsync(State, m => Value(m, "lease") is "held");

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        await FlushAsync(amy);
        amy.Received.Where(m => m.EventName == State).Should().ContainSingle("1 ms before its time-to-live ends the key is there");
        (await States.GetAsync(Tenant)).Should().ContainKey("lease");

        // Due now; the one expiry timer fires on the grid of ticks, so it ends within two ticks (10 ms).
        _time.Advance(TimeSpan.FromMilliseconds(1) + StateSlots.MaxLate);
        var removed = await amy.WaitForAsync(State, m => Removed(m).Contains("lease"));
        ((long)removed["version"]!).Should().Be(2, "the expiry is the room's next change");
        (await States.GetAsync(Tenant)).Should().BeEmpty();
    }

    [Fact]
    public async Task ASetRestartsTheClockASetWithoutATimeToLiveOrARemovalEndsItAndOneTimerServesEveryKey()
    {
        await StartAsync(o => o.StateUpdatesPerSecondPerKey = 10);
        var amy = await StartedAsync(TestUser.Member("amy", "org-a", "t1"));
        await States.SetAsync(Tenant, "renewed", 1, TimeSpan.FromSeconds(5));
        await States.SetAsync(Tenant, "permanent", 1, TimeSpan.FromSeconds(5));
        await States.SetAsync(Tenant, "removed", 1, TimeSpan.FromSeconds(5));
        await States.SetAsync(Tenant, "shortened", 1, TimeSpan.FromDays(30));
        _time.Advance(TimeSpan.FromSeconds(3));
        await States.SetAsync(Tenant, "renewed", 2, TimeSpan.FromSeconds(5));
        await States.SetAsync(Tenant, "permanent", 2);
        await States.RemoveAsync(Tenant, "removed");
        await States.SetAsync(Tenant, "removed", 2);
        await States.SetAsync(Tenant, "shortened", 2, TimeSpan.FromSeconds(1));

        // 'shortened' moved its expiry 30 days closer: the timer wakes for it at 4 s, not at its first due time.
        _time.Advance(TimeSpan.FromSeconds(1) + StateSlots.MaxLate);
        await amy.WaitForAsync(State, m => Removed(m).Contains("shortened"));

        // 6 s after the first sets: only their clocks restarted by a set with a time-to-live count.
        _time.Advance(TimeSpan.FromSeconds(2));
        await FlushAsync(amy);
        amy.Received.Where(m => m.EventName == State).SelectMany(Removed).Should().Equal(["removed", "shortened"], "'removed' only by RemoveAsync");
        (await States.GetAsync(Tenant)).Should().BeEquivalentTo(new Dictionary<string, object?> { ["renewed"] = 2L, ["permanent"] = 2L, ["removed"] = 2L });

        _time.Advance(TimeSpan.FromSeconds(2) + StateSlots.MaxLate);
        await amy.WaitForAsync(State, m => Removed(m).Contains("renewed"));
        (await States.GetAsync(Tenant)).Should().BeEquivalentTo(new Dictionary<string, object?> { ["permanent"] = 2L, ["removed"] = 2L });
    }

    [Fact]
    public async Task ATimeToLiveOutsideOneSecondToThirtyDaysIsRefusedAndChangesNothing()
    {
        await StartAsync(_ => { });
        foreach (var outOfRange in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), TimeSpan.FromDays(30) + TimeSpan.FromTicks(1), TimeSpan.MaxValue })
        {
            var refused = await FluentActions.Awaiting(() => States.SetAsync(Tenant, "k", 1, outOfRange)).Should().ThrowAsync<ArgumentOutOfRangeException>();
            refused.Which.ParamName.Should().Be("timeToLive");
            refused.Which.Message.Should().Contain("between 1 second and 30 days");
        }

        (await States.GetAsync(Tenant)).Should().BeEmpty();
        await States.SetAsync(Tenant, "shortest", 1, TimeSpan.FromSeconds(1));
        await States.SetAsync(Tenant, "longest", 1, TimeSpan.FromDays(30));
        (await States.GetAsync(Tenant)).Keys.Should().BeEquivalentTo("shortest", "longest");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned.AsEnumerable().Reverse())
        {
            await owned.DisposeAsync();
        }
    }

    private static object? Value(ReceivedMessage message, string key) =>
        ((IReadOnlyDictionary<string, object?>)message["set"]!).GetValueOrDefault(key);

    private static List<string> Removed(ReceivedMessage message) => [.. ((IEnumerable<object?>)message["removed"]!).Cast<string>()];

    private static IReadOnlyDictionary<string, object?> StateResult(IReadOnlyDictionary<string, object?> resumed) =>
        ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();

    private async Task StartAsync(Action<TenantRealtimeOptions> configure)
    {
        _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            Configure = configure,
            Services = services => services.AddSingleton<TimeProvider>(_time),
        });
        _owned.Add(_node);
    }

    private async Task<RealtimeClient> ConnectAsync(TestUser user)
    {
        var client = await RealtimeClient.ConnectAsync(_node.HubUrl, user, HubProtocolKind.Json, State);
        _owned.Add(client);
        return client;
    }

    private async Task<RealtimeClient> StartedAsync(TestUser user)
    {
        var client = await ConnectAsync(user);
        await client.InvokeAsync("Authenticate", new { });
        return client;
    }

    /// <summary>Anything sent to the client before this returns has arrived: a broadcast queued behind it did.</summary>
    /// <summary>A server at 10 changes per key and second, and amy, a member of the tenant, holding 'svc' = "up" (its first change, out at once).</summary>
    private async Task<RealtimeClient> HoldingSvcUpAsync()
    {
        await StartAsync(o => o.StateUpdatesPerSecondPerKey = 10);
        var amy = await StartedAsync(TestUser.Member("amy", "org-a", "t1"));
        await States.SetAsync(Tenant, "svc", "up");
        await amy.WaitForAsync(State, m => Value(m, "svc") is "up");
        return amy;
    }

    private async Task FlushAsync(RealtimeClient client)
    {
        var marker = Guid.NewGuid().ToString("N");
        await _node.Broadcaster.BroadcastToOrganizationAsync("org-a", Sentinel.EventName, "flush", marker);
        await client.WaitForAsync(Sentinel.EventName, m => m.String("data") == marker);
    }
}
