namespace TenantRealtime.Client.Tests;

/// <summary>The client against a real server: a reconnect recovers what was missed, once each and in order, or reloads.</summary>
public sealed class RecoveryTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ClientAppliesExactlyTheBroadcastsMissedWhileAwayInOrderOnceEach(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        await alice.BroadcastAsync("before");
        await alice.Events.WaitForCountAsync(1);

        await alice.GoAwayAsync();
        var missed = Enumerable.Range(1, 12).Select(i => $"missed-{i}").ToList();
        foreach (var marker in missed)
        {
            await alice.BroadcastAsync(marker);
        }

        var resumed = await alice.ReturnAsync();
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        resumed.Rooms.Should().ContainSingle(r => r.Room == alice.TenantRoom).Which.Should().BeEquivalentTo(new { Room = alice.TenantRoom, Recovered = true, Replayed = 12, Error = (string?)null });
        resumed.Rooms.Should().HaveCount(3, "the organization and user rooms were tracked from their positions at connect").And.OnlyContain(r => r.Recovered);
        alice.Markers.Should().Equal(["before", .. missed, "after"], "each missed broadcast is applied once, in order, between the ones around it");
        alice.Events.Items.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 14).Select(i => (long?)i));
        alice.Reloads.Items.Should().BeEmpty();
        alice.Client.Positions.Should().ContainSingle(p => p.Room == alice.TenantRoom).Which.Seq.Should().Be(14);
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ClientCutBeforeItsFirstBroadcastGetsEverythingSentMeanwhileOnceEachWithoutAReload(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);

        alice.Client.Positions.Select(p => (p.Room, p.Seq)).Should().BeEquivalentTo(
            [("org:org-a", 0L), ("tenant:org-a:t1", 0L), ("user:org-a:alice", 0L)],
            "StartAsync completes once every room has a position, though none has sent anything yet");
        await alice.GoAwayAsync();
        var missed = Enumerable.Range(1, 6).Select(i => $"missed-{i}").ToList();
        foreach (var marker in missed)
        {
            await alice.BroadcastAsync(marker);
        }

        var resumed = await alice.ReturnAsync();
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        resumed.Rooms.Should().ContainSingle(r => r.Room == alice.TenantRoom).Which.Should().BeEquivalentTo(new { Recovered = true, Replayed = 6 });
        alice.Markers.Should().Equal([.. missed, "after"], "what was sent while away is applied once each, in order, before what follows");
        alice.Events.Items.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 7).Select(i => (long?)i));
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ClientReadsTheWholeEnvelopeWithTypedData(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);

        await alice.BroadcastAsync("typed", index: 42);
        var received = (await alice.Events.WaitForCountAsync(1)).Single();

        received.Should().BeEquivalentTo(new
        {
            Type = "updated",
            Data = new { Marker = "typed", Index = 42 },
            Scope = "tenant",
            OrganizationId = "org-a",
            TenantId = "t1",
            UserId = (string?)null,
            Room = "tenant:org-a:t1",
            Seq = 1L,
        });
        received.Epoch.Should().NotBeNullOrEmpty();
        DateTimeOffset.Parse(received.Timestamp, System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task ClientAsksForAReloadWhenMoreWasMissedThanTheServerKeeps()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.HistoryMaxMessages = 5 });
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        await alice.BroadcastAsync("before");
        await alice.Events.WaitForCountAsync(1);

        await alice.GoAwayAsync();
        for (var i = 1; i <= 20; i++)
        {
            await alice.BroadcastAsync($"missed-{i}");
        }

        var resumed = await alice.ReturnAsync();
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        resumed.Rooms.Should().ContainSingle(r => !r.Recovered).Which.Room.Should().Be(alice.TenantRoom);
        alice.Reloads.Items.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Room = alice.TenantRoom, Reason = ReloadReason.NotRecovered });
        alice.Markers.Should().Equal(["before", "after"], "nothing is replayed; the room starts afresh from the next broadcast");
        alice.Client.Positions.Single(p => p.Room == alice.TenantRoom).Seq.Should().Be(22);
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ClientAppliesBroadcastsReplayedTwiceOnlyOnce(HubProtocolKind protocol)
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, protocol);
        for (var i = 1; i <= 5; i++)
        {
            await alice.BroadcastAsync($"live-{i}");
        }

        await alice.Events.WaitForCountAsync(5);
        var epoch = alice.Client.Positions.Single(p => p.Room == alice.TenantRoom).Epoch;
        var fromTheStart = new Dictionary<string, object> { ["positions"] = new[] { new RoomPosition(alice.TenantRoom, epoch, 0) } };

        var first = await alice.Client.InvokeAsync<ResumeResult>(TenantRealtimeWire.Methods.Resume, [fromTheStart]);
        var second = await alice.Client.InvokeAsync<ResumeResult>(TenantRealtimeWire.Methods.Resume, [fromTheStart]);
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        first.Rooms.Single().Replayed.Should().Be(5);
        second.Rooms.Single().Replayed.Should().Be(5);
        alice.Markers.Should().Equal("live-1", "live-2", "live-3", "live-4", "live-5", "after");
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task ClientResumesFromItsPositionsWhenStartedAgainAfterAStop()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        await alice.BroadcastAsync("before");
        await alice.Events.WaitForCountAsync(1);

        await alice.Client.StopAsync();
        await alice.BroadcastAsync("while-stopped-1");
        await alice.BroadcastAsync("while-stopped-2");
        await alice.Client.StartAsync();
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        alice.Markers.Should().Equal("before", "while-stopped-1", "while-stopped-2", "after");
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task ClientResumesItsTrackedRoomsOnRequest()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        await alice.BroadcastAsync("one");
        await alice.Events.WaitForCountAsync(1);

        var result = await alice.Client.ResumeAsync();

        result.Rooms.Should().ContainSingle(r => r.Room == alice.TenantRoom).Which.Should().BeEquivalentTo(new { Room = alice.TenantRoom, Recovered = true, Replayed = 0 });
    }

    [Fact]
    public async Task ClientKeepsPositionsGaplessAcrossTrackedEventsWithoutHandlers()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json, o => o.TrackedEvents.Add("other"));

        await alice.BroadcastAsync("first");
        await alice.BroadcastAsync("not-handled", eventName: "other");
        await alice.BroadcastAsync("second");
        await alice.Events.WaitForCountAsync(2);

        alice.Markers.Should().Equal("first", "second");
        alice.Client.Positions.Single(p => p.Room == alice.TenantRoom).Seq.Should().Be(3, "the event without a handler still moved the room on");
        alice.Reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task ClientAsksForAReloadWhenAnEventItDoesNotReceiveLeavesAGap()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json, o => o.ReorderWindow = TimeSpan.FromMilliseconds(200));

        await alice.BroadcastAsync("first");
        await alice.BroadcastAsync("never-seen", eventName: "other");
        await alice.BroadcastAsync("second");
        var reload = (await alice.Reloads.WaitForCountAsync(1)).Single();

        reload.Should().BeEquivalentTo(new { Room = alice.TenantRoom, Reason = ReloadReason.GapNotFilled });
        alice.Markers.Should().Equal("first", "second");
    }

    [Fact]
    public async Task ClientDeliversBroadcastsAsTheyComeWhenTheServerHasRecoveryDisabled()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.EnableRecovery = false });
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);

        await alice.BroadcastAsync("one");
        await alice.BroadcastAsync("two");
        var events = await alice.Events.WaitForCountAsync(2);

        events.Select(e => e.Data!.Marker).Should().Equal("one", "two");
        events.Should().OnlyContain(e => e.Seq == null);
        alice.Client.Positions.Should().BeEmpty();
    }

    [Fact]
    public async Task ClientRefusesASecondDataTypeForOneEvent()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);

        var act = () => alice.Client.On<string>(ClientHarness.Event, _ => { });

        act.Should().Throw<InvalidOperationException>().WithMessage("*already registered*");
    }
}
