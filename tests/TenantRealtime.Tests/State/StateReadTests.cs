using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>In memory, reading a room that has no state creates nothing, and its first change follows the empty read.</summary>
public sealed class StateReadTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        // Fifty reads in a row: the per-connection invocation limit is not what this test is about.
        Configure = o => (o.InvocationsPerSecond, o.InvocationBurst) = (1_000, 1_000),
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
}
