using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Delivery;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>
/// In memory, reading a room that has no state creates nothing, and its first change follows the empty read; a
/// connection that was out of a room's group while it changed gets what it missed, never a gap.
/// </summary>
public sealed class StateReadTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        // Fifty reads in a row: the per-connection invocation limit is not what this test is about; nor is the per-key
        // rate bound, which would hold a key's second change for its next slot.
        Configure = o => (o.InvocationsPerSecond, o.InvocationBurst, o.StateUpdatesPerSecondPerKey) = (1_000, 1_000, 1_000),
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task AnAdminReadingManyEmptyTenantRoomsGrowsNothingAndTheFirstChangeFollowsItsRead()
    {
        var store = _node.Services.GetRequiredService<StateRoomStore>();
        await using var admin = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Admin("ada", "org-a"), HubProtocolKind.Json, TenantRealtimeWire.Events.State);
        var before = store.Count;

        var reads = new List<IReadOnlyDictionary<string, object?>>();
        for (var i = 0; i < 50; i++)
        {
            reads.Add(await admin.InvokeAsync("GetState", new { room = $"tenant:org-a:t{i}" }));
        }

        store.Count.Should().Be(before, "a read of a room without state keeps nothing");
        reads.Should().OnlyContain(r => (long)r["version"]! == 0 && (string)r["epoch"]! == store.Epoch);
        await _node.Services.GetRequiredService<ITenantState>().SetAsync(StateRoom.Tenant("org-a", "t7"), "svc", "up");
        var first = await admin.WaitForAsync(TenantRealtimeWire.Events.State, m => m.String("room") == "tenant:org-a:t7" && Equals(m["full"], false));
        ((long)first["version"]!, first.String("epoch")).Should().Be((1L, store.Epoch), "the change follows the empty read in its epoch");
    }

    [Fact]
    public async Task AConnectionBackInARoomsGroupGetsTheChangesItMissedInsteadOfTheNextOne()
    {
        var state = _node.Services.GetRequiredService<ITenantState>();
        var delivery = _node.Services.GetRequiredService<ILocalDelivery>();
        var room = StateRoom.Tenant("org-g", "t1");
        const string Key = "tenant:org-g:t1";
        await state.SetAsync(room, "a", "1");
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("gil", "org-g", "t1"), HubProtocolKind.Json, TenantRealtimeWire.Events.State);
        await client.InvokeAsync("Authenticate", new { });
        var connectionId = client.Connection.ConnectionId!;
        var groups = StateRoomKeys.GroupsOf(Key)!;

        // Out of the room's groups (as a refresh of its rooms does), it misses two changes; then it is back.
        foreach (var group in groups)
        {
            await delivery.RemoveFromGroupAsync(connectionId, group);
        }

        await state.SetAsync(room, "b", "2");
        await state.RemoveAsync(room, "a");
        foreach (var group in groups)
        {
            await delivery.AddToGroupAsync(connectionId, group);
        }

        await state.SetAsync(room, "c", "3");

        var caughtUp = await client.WaitForAsync(TenantRealtimeWire.Events.State, m => m.String("room") == Key && (long)m["version"]! == 4);
        ((IReadOnlyDictionary<string, object?>)caughtUp["set"]!).Should().BeEquivalentTo(new Dictionary<string, object?> { ["b"] = "2", ["c"] = "3" });
        ((IEnumerable<object?>)caughtUp["removed"]!).Should().Equal("a");
        client.Received.Where(m => m.EventName == TenantRealtimeWire.Events.State).Select(m => (long)m["version"]!).Should().Equal(1L, 4L);
    }
}
