using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Client.Tests;

/// <summary>The client's state maps against a real server's <see cref="ITenantState"/>: equal after churn, a cut connection and a new epoch.</summary>
public sealed class StateTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");
    private static readonly StateRoom Tenant = StateRoom.Tenant("org-a", "t1");
    private const string TenantRoom = "tenant:org-a:t1";

    public sealed record Status(string Name, int Level);

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ClientMapEqualsTheServersAfterChurn(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        var state = node.Services.GetRequiredService<ITenantState>();
        await state.SetAsync(Tenant, "before", new Status("before", 0));
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        var changes = Record(alice.Client);
        alice.Client.GetState<Status>(TenantRoom).Should().BeEquivalentTo(new Dictionary<string, Status?> { ["before"] = new("before", 0) },
            "Authenticate sent the whole state before StartAsync completed");

        for (var i = 0; i < 200; i++)
        {
            var key = $"svc-{i % 17}";
            if (i % 5 == 4)
            {
                await state.RemoveAsync(Tenant, key);
            }
            else
            {
                await state.SetAsync(Tenant, key, new Status(key, i));
            }
        }

        await state.SetAsync(Tenant, "done", new Status("done", 1));
        await WaitForServerMapAsync(alice.Client, state, changes);
        alice.Client.GetStateVersion(TenantRoom).Should().NotBeNull();
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task AfterACutConnectionResumeSendsOnlyTheChangedAndRemovedKeys(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        var state = node.Services.GetRequiredService<ITenantState>();
        for (var i = 0; i < 10; i++)
        {
            await state.SetAsync(Tenant, $"svc-{i}", new Status($"svc-{i}", i));
        }

        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        var changes = Record(alice.Client);
        var held = alice.Client.GetStateVersion(TenantRoom)!.Value;

        await alice.GoAwayAsync();
        await state.SetAsync(Tenant, "svc-1", new Status("svc-1", 100));
        await state.SetAsync(Tenant, "svc-2", new Status("svc-2", 200));
        await state.RemoveAsync(Tenant, "svc-3");
        var resumed = await alice.ReturnAsync();

        resumed.States.Should().ContainSingle(s => s.Room == TenantRoom).Which.Should().BeEquivalentTo(new { Recovered = true, Error = (string?)null },
            "the client named its version, and the server sent the changes after it");
        // Changes within a key's rate slot of the first sets go out at the slot: in the resume or live after it.
        await WaitForServerMapAsync(alice.Client, state, changes);
        changes.Items.Select(c => (c.Key, c.Removed)).Should().BeEquivalentTo([("svc-1", false), ("svc-2", false), ("svc-3", true)],
            "only what changed while away reaches the handlers");
        alice.Client.GetStateVersion(TenantRoom)!.Value.Epoch.Should().Be(held.Epoch);
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task AServerSwitchToAnotherEpochReplacesTheWholeMap()
    {
        await using var first = await RealtimeNode.StartAsync();
        await using var second = await RealtimeNode.StartAsync();
        var firstState = first.Services.GetRequiredService<ITenantState>();
        var secondState = second.Services.GetRequiredService<ITenantState>();
        await firstState.SetAsync(Tenant, "only-on-first", new Status("first", 1));
        await firstState.SetAsync(Tenant, "both", new Status("first", 1));
        await secondState.SetAsync(Tenant, "both", new Status("second", 2));
        await secondState.SetAsync(Tenant, "only-on-second", new Status("second", 2));

        var servers = new SwitchingServers(first, Alice);
        var reconnected = new Recorder<string?>();
        var resumes = new Recorder<ResumeResult>();
        await using var client = new TenantRealtimeClient(servers.Options());
        client.Resumed += result =>
        {
            resumes.Add(result);
            return Task.CompletedTask;
        };
        var lost = new Recorder<string>();
        client.StateLost += room =>
        {
            lost.Add(room);
            return Task.CompletedTask;
        };
        var changes = Record(client);
        await client.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));
        var before = client.GetStateVersion(TenantRoom)!.Value;
        client.GetState<Status>(TenantRoom).Keys.Should().BeEquivalentTo(["only-on-first", "both"]);

        servers.Target = second;
        servers.Socket!.Abort();
        var resumed = (await resumes.WaitForCountAsync(1)).Single();

        resumed.States.Should().ContainSingle(s => s.Room == TenantRoom).Which.Recovered.Should().BeFalse("another server's state has another epoch: it sent the whole state");
        client.GetStateVersion(TenantRoom)!.Value.Epoch.Should().NotBe(before.Epoch);
        await WaitForServerMapAsync(client, secondState, changes);
        changes.Items.Should().Contain(c => c.Key == "only-on-first" && c.Removed, "a key missing from the new whole state is reported removed");
        lost.Items.Should().Equal([TenantRoom], "the second server has no loader: the state the client held of the room is lost");

        await secondState.SetAsync(Tenant, "after", new Status("after", 3));
        await WaitForServerMapAsync(client, secondState, changes);
    }

    [Fact]
    public async Task AClientOfAServerThatSendsNoStateHoldsNoneAndResumesAsBefore()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        alice.Client.GetState<Status>(TenantRoom).Should().BeEmpty();
        alice.Client.GetStateVersion(TenantRoom).Should().BeNull();

        await alice.GoAwayAsync();
        await alice.BroadcastAsync("missed");
        var resumed = await alice.ReturnAsync();

        resumed.States.Should().BeNull("the client names no versions when it holds no state");
        await alice.Events.WaitForCountAsync(1);
    }

    [Fact]
    public async Task AnAdminReadsATenantsStateWithLoadStateAsyncAndGetsItsChangesFromThen()
    {
        await using var node = await RealtimeNode.StartAsync();
        var state = node.Services.GetRequiredService<ITenantState>();
        await state.SetAsync(Tenant, "svc-1", new Status("svc-1", 1));
        await using var admin = await ClientHarness.StartAsync(node, TestUser.Admin("adm", "org-a"), HubProtocolKind.Json);
        var changes = Record(admin.Client);
        admin.Client.GetState<Status>(TenantRoom).Should().BeEmpty("Authenticate sends only the rooms the admin holds itself");

        await admin.Client.LoadStateAsync(TenantRoom);
        admin.Client.GetState<Status>(TenantRoom).Keys.Should().Equal(["svc-1"], "LoadStateAsync completes once the map holds the state");
        await state.SetAsync(Tenant, "svc-2", new Status("svc-2", 2));
        await WaitForServerMapAsync(admin.Client, state, changes);
    }

    private static Recorder<StateChange<Status>> Record(TenantRealtimeClient client)
    {
        var changes = new Recorder<StateChange<Status>>();
        client.OnStateChanged<Status>(changes.Add);
        return changes;
    }

    /// <summary>Waits until the client's map of the tenant room holds exactly the server's values.</summary>
    private static async Task WaitForServerMapAsync(TenantRealtimeClient client, ITenantState state, Recorder<StateChange<Status>> changes)
    {
        var expected = (await state.GetAsync(Tenant)).ToDictionary(
            pair => pair.Key,
            pair => JsonSerializer.SerializeToElement(pair.Value, JsonSerializerOptions.Web).Deserialize<Status>(JsonSerializerOptions.Web));
        if (!Equal(client.GetState<Status>(TenantRoom), expected))
        {
            await changes.WaitForAsync(_ => Equal(client.GetState<Status>(TenantRoom), expected));
        }

        client.GetState<Status>(TenantRoom).Should().BeEquivalentTo(expected);
    }

    private static bool Equal(IReadOnlyDictionary<string, Status?> actual, Dictionary<string, Status?> expected) =>
        actual.Count == expected.Count && expected.All(pair => actual.TryGetValue(pair.Key, out var value) && Equals(value, pair.Value));
}
