namespace TenantRealtime.Client.Tests;

/// <summary>
/// A client the server cut loose, or one that comes back while broadcasts keep coming, ends with every broadcast once
/// and in order: the server's bounded sender and Resume, and the client's reconnect and sequencing, together.
/// </summary>
public sealed class SlowConsumerTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    [Fact]
    public async Task ClientCutLooseForReadingTooSlowlyReconnectsAndResumesWhatItMissed()
    {
        // The smallest backlog the options allow, so a few MB of broadcasts are enough to pass it.
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.MaxSendBacklogBytes = 64 * 1024 });
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        await alice.BroadcastAsync("before");
        await alice.Events.WaitForCountAsync(1);

        alice.StopReading();
        var pad = new string('x', 16 * 1024);
        var sent = new List<string>();
        for (var i = 0; sent.Count < 400 || !WasCutLoose(node); i++)
        {
            sent.Add($"m{i}");
            await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", ClientHarness.Event, "updated", new { Marker = sent[^1], Index = i, Pad = pad });
            await Task.Delay(1);
            i.Should().BeLessThan(5_000, "a client that reads nothing is cut loose long before");
        }

        alice.ReadAgain();
        await alice.Resumes.WaitForCountAsync(1);
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        alice.Reloads.Items.Should().BeEmpty("everything it missed is still in the history");
        alice.Markers.Should().Equal(["before", .. sent, "after"], "each broadcast is applied once, in order, across the cut");
    }

    [Fact]
    public async Task ResumeRacingLiveBroadcastsYieldsEveryBroadcastOnceInOrder()
    {
        await using var node = await RealtimeNode.StartAsync();
        await using var alice = await ClientHarness.StartAsync(node, Alice, HubProtocolKind.Json);
        var markers = Enumerable.Range(0, 300).Select(i => $"r{i}").ToList();

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < markers.Count; i++)
            {
                await alice.BroadcastAsync(markers[i], i);
                await Task.Delay(1);
            }
        });
        await alice.Events.WaitForCountAsync(20);
        await alice.GoAwayAsync();
        await Task.Delay(50);
        var resumed = await alice.ReturnAsync();
        await sending;
        await alice.BroadcastAsync("after");
        await alice.Events.WaitForAsync(events => events.Any(e => e.Data!.Marker == "after"));

        resumed.Rooms.Should().HaveCount(3, "every room was tracked from its position at connect").And.OnlyContain(r => r.Recovered);
        alice.Markers.Should().Equal([.. markers, "after"]);
        alice.Events.Items.Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    private static bool WasCutLoose(RealtimeNode node) =>
        node.Logs.GetSnapshot().Any(r => r.Message.Contains("slow consumer", StringComparison.Ordinal));
}
