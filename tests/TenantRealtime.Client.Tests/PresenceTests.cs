using System.Runtime.Serialization;

namespace TenantRealtime.Client.Tests;

/// <summary>
/// The .NET client on a server with presence on: presence events are not numbered, so a client without a handler for
/// them keeps its rooms' order, sees no gap and is never asked to reload, and one with a handler gets them typed.
/// </summary>
public sealed class PresenceTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task AClientWithoutAPresenceHandlerSeesNoGapAndResumesWhatItMissed(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = PresenceSettings.Apply });
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        await alice.BroadcastAsync("before");
        await using (await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("bob", "org-a", "t1")))
        {
            await alice.BroadcastAsync("between");
            await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "between"));
        }

        await alice.GoAwayAsync();
        await using (await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("cat", "org-a", "t1")))
        {
            await alice.BroadcastAsync("missed");
        }

        var resumed = await alice.ReturnAsync();
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        resumed.Rooms.Should().ContainSingle(r => r.Room == alice.TenantRoom).Which.Should().BeEquivalentTo(new { Recovered = true, Replayed = 1 });
        alice.Markers.Should().Equal("before", "between", "missed", "after");
        alice.Events.Items.Select(e => e.Seq).Should().Equal(1L, 2L, 3L, 4L);
        alice.Reloads.Items.Should().BeEmpty("presence events took no sequence number");
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task APresenceHandlerGetsTheEventsTyped(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = PresenceSettings.Apply });
        var presence = new Recorder<TenantEvent<PresenceData>>();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        using var subscription = alice.Client.On<PresenceData>(TenantRealtimeWire.Events.Presence, presence.Add);

        await using (await RealtimeClient.ConnectAsync(node.HubUrl, TestUser.Member("bob", "org-a", "t1") with { DisplayName = "Bob" }))
        {
            var joined = await presence.WaitForAsync(events => events.Any(e => e.Type == TenantRealtimeWire.PresenceTypes.Joined && e.Data!.Users.Any(u => u.UserId == "bob")));
            var bob = joined.Single(e => e.Type == "joined" && e.Data!.Users.Any(u => u.UserId == "bob"));
            bob.Scope.Should().Be("tenant");
            bob.Seq.Should().BeNull();
            bob.Room.Should().BeNull();
            bob.Data!.UserCount.Should().Be(2);
            bob.Data.Users.Single().Should().BeEquivalentTo(new { UserId = "bob", DisplayName = "Bob", Connections = 1L });
        }

        await presence.WaitForAsync(events => events.Any(e => e.Type == TenantRealtimeWire.PresenceTypes.Left && e.Data!.Users.Any(u => u.UserId == "bob")));
        alice.Reloads.Items.Should().BeEmpty();
    }
}

/// <summary>A presence event's data, named as the wire spells it (for MessagePack's resolver too).</summary>
[DataContract]
public sealed class PresenceData
{
    [DataMember(Name = "users")]
    public List<PresenceEntry> Users { get; set; } = [];

    [DataMember(Name = "userCount")]
    public long UserCount { get; set; }

    [DataMember(Name = "countsOnly")]
    public bool CountsOnly { get; set; }
}

[DataContract]
public sealed class PresenceEntry
{
    [DataMember(Name = "userId")]
    public string UserId { get; set; } = "";

    [DataMember(Name = "displayName")]
    public string? DisplayName { get; set; }

    [DataMember(Name = "connections")]
    public long Connections { get; set; }

    [DataMember(Name = "onlineSince")]
    public string OnlineSince { get; set; } = "";
}
