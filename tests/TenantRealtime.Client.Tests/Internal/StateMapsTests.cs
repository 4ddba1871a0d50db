using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client.Tests.Internal;

/// <summary>The map logic alone: full replaces, stale versions are dropped, a skipped version applies, another epoch asks once.</summary>
public sealed class StateMapsTests
{
    private const string Room = "tenant:org-a:t1";

    [Fact]
    public void FullReplacesAndReportsTheKeysGone()
    {
        var maps = new StateMaps();
        maps.Apply(Message("e1", 3, full: true, set: new() { ["a"] = 1, ["b"] = 2 }), []).Should().Be(StateMaps.Outcome.Applied);
        var changes = new List<StateChangeRecord>();

        maps.Apply(Message("e2", 1, full: true, set: new() { ["b"] = 2, ["c"] = 3 }), changes).Should().Be(StateMaps.Outcome.Applied);

        maps.Snapshot(Room, out var epoch, out var version)!.Keys.Should().BeEquivalentTo(["b", "c"]);
        (epoch, version).Should().Be(("e2", 1L));
        changes.Select(c => (c.Key, c.Removed)).Should().BeEquivalentTo([("a", true), ("c", false)], "b kept its value");
    }

    [Fact]
    public void VersionsAtOrBelowTheOneHeldAreDropped()
    {
        var maps = new StateMaps();
        maps.Apply(Message("e1", 2, full: true, set: new() { ["a"] = 1 }), []);

        maps.Apply(Message("e1", 2, set: new() { ["a"] = 9 }), []).Should().Be(StateMaps.Outcome.Dropped);
        maps.Apply(Message("e1", 1, removed: ["a"]), []).Should().Be(StateMaps.Outcome.Dropped);
        maps.Apply(Message("e1", 2, full: true, set: new()), []).Should().Be(StateMaps.Outcome.Dropped);
        maps.Apply(Message("e1", 3, set: new() { ["b"] = 2 }, removed: ["a"]), []).Should().Be(StateMaps.Outcome.Applied);

        maps.Snapshot(Room, out _, out var version)!.Keys.Should().BeEquivalentTo(["b"]);
        version.Should().Be(3);
    }

    [Fact]
    public void AnotherEpochOrARoomNeverReadAsksForTheWholeStateOnceUntilItArrives()
    {
        var maps = new StateMaps();
        maps.Apply(Message("e1", 1, set: new() { ["a"] = 1 }), []).Should().Be(StateMaps.Outcome.RequestWhole, "a change to a state never held");
        maps.Apply(Message("e1", 2, set: new() { ["a"] = 2 }), []).Should().Be(StateMaps.Outcome.AlreadyRequested, "asked once, not in a loop");
        maps.Apply(Message("e1", 1, full: true, set: new() { ["a"] = 1 }), []).Should().Be(StateMaps.Outcome.Applied);

        maps.Apply(Message("e2", 1, set: new() { ["a"] = 5 }), []).Should().Be(StateMaps.Outcome.RequestWhole, "another epoch");
        maps.RequestFailed(Room);
        maps.Apply(Message("e2", 2, set: new() { ["a"] = 6 }), []).Should().Be(StateMaps.Outcome.RequestWhole, "a failed request is asked again");

        maps.Snapshot(Room, out var epoch, out _)!["a"].Should().Be(1);
        epoch.Should().Be("e1");
    }

    [Fact]
    public void AVersionSkippedByTheServersReplacementIsApplied()
    {
        var maps = new StateMaps();
        maps.Apply(Message("e1", 1, full: true, set: new() { ["a"] = 1, ["b"] = 1 }), []);
        var changes = new List<StateChangeRecord>();

        // Version 2 (a=2) was replaced in a slow connection's queue by version 4 (a=4): it comes after version 3.
        maps.Apply(Message("e1", 3, set: new() { ["b"] = 3 }), changes).Should().Be(StateMaps.Outcome.Applied);
        maps.Apply(Message("e1", 4, set: new() { ["a"] = 4 }), changes).Should().Be(StateMaps.Outcome.Applied);

        changes.Select(c => (c.Key, c.Value)).Should().Equal(("b", (object?)3), ("a", 4));
        maps.Snapshot(Room, out _, out var version)!.Should().BeEquivalentTo(new Dictionary<string, object?> { ["a"] = 4, ["b"] = 3 });
        version.Should().Be(4);
    }

    [Fact]
    public void VersionsNameEveryRoomHeld()
    {
        var maps = new StateMaps();
        maps.Versions().Should().BeEmpty("a client that holds no state sends no versions");
        maps.Apply(Message("e1", 7, full: true, set: new()), []);

        maps.Versions().Should().ContainSingle().Which.Should().BeEquivalentTo(new Dictionary<string, object> { ["room"] = Room, ["epoch"] = "e1", ["version"] = 7L });
    }

    private static TenantStateMessage Message(string epoch, long version, bool full = false, Dictionary<string, object?>? set = null, string[]? removed = null) =>
        new(Room, epoch, version, full, set ?? [], removed ?? []);
}
