using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>
/// In memory a restart loses every room's state: the app's <see cref="IStateLoader"/> fills a room on its first read in
/// the new run, once, before any client gets it; without one (or when it fails) a client that held the old epoch gets
/// the empty whole state marked <c>lost</c>.
/// </summary>
public sealed class StateLoaderTests
{
    private const string State = TenantRealtimeWire.Events.State;
    private const string Room = "tenant:org-a:t1";
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");
    private static readonly StateRoom TenantRoom = StateRoom.Tenant("org-a", "t1");

    [Fact]
    public async Task AfterARestartAResumingClientGetsTheLoadedStateWholeAndNotLost()
    {
        var lostEpoch = await EpochOfAnEarlierRunAsync();
        await using var node = await StartAsync(loader: true);
        var loader = LoaderOf(node);
        loader.Load = (room, _) => room == Room ? Loaded(("svc", "up"), ("count", 3)) : Nothing;

        await using var back = await RealtimeClient.ConnectAsync(node.HubUrl, Alice, HubProtocolKind.Json, State);
        var result = await ResumeAsync(back, lostEpoch);

        result["recovered"].Should().Be(false);
        // The first state the client gets is the loaded one, whole: never an empty state followed by changes.
        var sent = await FirstStateAsync(back);
        sent["full"].Should().Be(true);
        sent.Fields.Should().NotContainKey(TenantRealtimeWire.StateFields.Lost, "the loader filled the room");
        Sets(sent).Should().BeEquivalentTo(new Dictionary<string, object?> { ["count"] = 3L, ["svc"] = "up" });
        ((long)sent["version"]!, sent.String("epoch")).Should().Be((2L, node.Services.GetRequiredService<StateRoomStore>().Epoch), "one version per loaded key");
        loader.Calls[Room].Should().Be(1);
    }

    [Fact]
    public async Task WithoutALoaderAResumingClientGetsTheEmptyWholeStateMarkedLost()
    {
        var lostEpoch = await EpochOfAnEarlierRunAsync();
        await using var node = await StartAsync(loader: false);

        await using var back = await RealtimeClient.ConnectAsync(node.HubUrl, Alice, HubProtocolKind.Json, State);
        var result = await ResumeAsync(back, lostEpoch);

        result["recovered"].Should().Be(false);
        var sent = await FirstStateAsync(back);
        (sent["full"], sent[TenantRealtimeWire.StateFields.Lost], (long)sent["version"]!).Should().Be((true, true, 0L));
        Sets(sent).Should().BeEmpty();
    }

    [Fact]
    public async Task AStateWrittenAfterTheRestartStillTellsAClientOfTheOldEpochItsStateWasLost()
    {
        var lostEpoch = await EpochOfAnEarlierRunAsync();
        await using var node = await StartAsync(loader: false);
        await node.Services.GetRequiredService<ITenantState>().SetAsync(TenantRoom, "new", 1);

        await using var back = await RealtimeClient.ConnectAsync(node.HubUrl, Alice, HubProtocolKind.Json, State);
        await ResumeAsync(back, lostEpoch);

        var sent = await FirstStateAsync(back);
        sent[TenantRealtimeWire.StateFields.Lost].Should().Be(true, "what it held before the restart is gone; only the new key is there");
        Sets(sent).Should().BeEquivalentTo(new Dictionary<string, object?> { ["new"] = 1L });
    }

    [Fact]
    public async Task AThrowingLoaderLeavesTheRoomEmptyAndLostAndTheConnectionWorks()
    {
        var lostEpoch = await EpochOfAnEarlierRunAsync();
        await using var node = await StartAsync(loader: true);
        var loader = LoaderOf(node);
        loader.Load = (room, _) => room == Room ? throw new InvalidOperationException("the database is down") : Nothing;

        await using var back = await RealtimeClient.ConnectAsync(node.HubUrl, Alice, HubProtocolKind.Json, State);
        await ResumeAsync(back, lostEpoch);

        var sent = await FirstStateAsync(back);
        (sent["full"], sent[TenantRealtimeWire.StateFields.Lost]).Should().Be((true, true));
        Sets(sent).Should().BeEmpty();
        var read = await back.InvokeAsync("GetState", new { room = Room });
        read["version"].Should().Be(0L, "the connection goes on, and the room stays empty");
        loader.Calls[Room].Should().Be(1, "a failed load is not asked again in the same run");
        node.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 65 && r.Level == LogLevel.Warning && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task ALoaderPastItsTimeoutLeavesTheRoomEmptyAndTheReadGoesOn()
    {
        await using var node = await StartAsync(loader: true, o => o.StateLoadTimeout = TimeSpan.FromMilliseconds(200));
        var never = new TaskCompletionSource<IReadOnlyDictionary<string, object?>?>();
        LoaderOf(node).Load = (_, _) => never.Task; // ignores its token: the bound still holds

        var values = await node.Services.GetRequiredService<ITenantState>().GetAsync(TenantRoom).WaitAsync(RealtimeClient.DefaultTimeout);

        values.Should().BeEmpty();
        node.Logs.GetSnapshot().Should().Contain(r => r.Id.Id == 65 && r.Exception is TimeoutException);
    }

    [Fact]
    public async Task TheLoaderIsAskedOncePerRoomWhileManyReadersWaitForIt()
    {
        await using var node = await StartAsync(loader: true);
        var loader = LoaderOf(node);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loader.Load = async (room, _) =>
        {
            if (room != Room)
            {
                return null;
            }

            await release.Task;
            return new Dictionary<string, object?> { ["svc"] = "up" };
        };
        var states = node.Services.GetRequiredService<ITenantState>();

        // Each GetAsync joins the room's load before it returns its task; the connections start meanwhile.
        var reads = Enumerable.Range(0, 5).Select(_ => states.GetAsync(TenantRoom)).ToList();
        var clients = Enumerable.Range(0, 3).Select(i => StartedAsync(node, TestUser.Member($"u{i}", "org-a", "t1"))).ToList();
        await loader.Asked(Room).WaitAsync(RealtimeClient.DefaultTimeout);
        reads.Should().OnlyContain(r => !r.IsCompleted, "every reader waits for the load");
        release.SetResult();

        foreach (var values in await Task.WhenAll(reads))
        {
            values.Should().BeEquivalentTo(new Dictionary<string, object?> { ["svc"] = "up" });
        }

        foreach (var client in await Task.WhenAll(clients))
        {
            var sent = await FirstStateAsync(client);
            Sets(sent).Should().BeEquivalentTo(new Dictionary<string, object?> { ["svc"] = "up" }, "Authenticate waits for the load too");
            await client.DisposeAsync();
        }

        loader.Calls[Room].Should().Be(1);
    }

    [Fact]
    public async Task LoadedValuesPastTheBoundsAreSkippedAndTheRestKept()
    {
        await using var node = await StartAsync(loader: true, o => (o.MaxStateKeysPerRoom, o.MaxStateValueBytes) = (2, 64));
        LoaderOf(node).Load = (_, _) => Loaded(("a", 1), ("b", new string('x', 100)), ("bad key!", 2), ("c", 3), ("d", 4));

        var values = await node.Services.GetRequiredService<ITenantState>().GetAsync(TenantRoom);

        values.Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = 1L, ["c"] = 3L }, "keys go in ordinal order: b is too large, 'bad key!' malformed, d past the bound");
        node.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == 66 && r.Message.Contains("limit-exceeded", StringComparison.Ordinal) && r.Message.Contains("3 keys skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALoaderMayTakeTheTenantStateItFills()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Realtime = b => b.WithStateLoader<LoaderTakingTheState>() });

        var values = await node.Services.GetRequiredService<ITenantState>().GetAsync(TenantRoom);

        values.Should().BeEquivalentTo(new Dictionary<string, object?> { ["from"] = "loader" }, "the loader is resolved at the first read, not with ITenantState");
        ((LoaderTakingTheState)node.Services.GetRequiredService<IStateLoader>()).State.Should().BeSameAs(node.Services.GetRequiredService<ITenantState>());
    }

    private static async Task<RealtimeNode> StartAsync(bool loader, Action<TenantRealtimeOptions>? configure = null) =>
        await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            Configure = configure,
            Realtime = loader ? b => b.WithStateLoader<RecordingStateLoader>() : null,
        });

    private static RecordingStateLoader LoaderOf(RealtimeNode node) => (RecordingStateLoader)node.Services.GetRequiredService<IStateLoader>();

    /// <summary>The epoch of a room's state on a server that has stopped since: its state is lost.</summary>
    private static async Task<string> EpochOfAnEarlierRunAsync()
    {
        await using var earlier = await RealtimeNode.StartAsync();
        await earlier.Services.GetRequiredService<ITenantState>().SetAsync(TenantRoom, "old", 0);
        return earlier.Services.GetRequiredService<StateRoomStore>().Epoch;
    }

    private static async Task<RealtimeClient> StartedAsync(RealtimeNode node, TestUser user)
    {
        var client = await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, State);
        await client.InvokeAsync("Authenticate", new { });
        return client;
    }

    private static async Task<ReceivedMessage> FirstStateAsync(RealtimeClient client)
    {
        await client.WaitForAsync(State, m => m.String("room") == Room);
        return client.Received.First(m => m.EventName == State && m.String("room") == Room);
    }

    private static async Task<IReadOnlyDictionary<string, object?>> ResumeAsync(RealtimeClient client, string epoch)
    {
        var resumed = await client.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = new[] { new { room = Room, epoch, version = 1L } } });
        return ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
    }

    private static readonly Task<IReadOnlyDictionary<string, object?>?> Nothing = Task.FromResult<IReadOnlyDictionary<string, object?>?>(null);

    private static Task<IReadOnlyDictionary<string, object?>?> Loaded(params (string Key, object? Value)[] values) =>
        Task.FromResult<IReadOnlyDictionary<string, object?>?>(values.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    private static IReadOnlyDictionary<string, object?> Sets(ReceivedMessage message) => (IReadOnlyDictionary<string, object?>)message["set"]!;

    private sealed class LoaderTakingTheState(ITenantState state) : IStateLoader
    {
        public ITenantState State { get; } = state;

        public ValueTask<IReadOnlyDictionary<string, object?>?> LoadAsync(StateRoom room, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyDictionary<string, object?>?>(new Dictionary<string, object?> { ["from"] = "loader" });
    }
}
