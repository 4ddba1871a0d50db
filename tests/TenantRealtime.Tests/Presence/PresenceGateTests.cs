using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Tests.Presence;

/// <summary>The per-scope rate bound: a bucket of one second's worth; what is over it waits, merged per user, never lost.</summary>
public sealed class PresenceGateTests
{
    private static readonly PresenceRoom Tenant = new("org-a", "t1");

    private static PresenceChange Joined(string userId) => new(true, new PresenceUser(userId, null, 1, DateTimeOffset.UnixEpoch));

    private static PresenceChange Left(string userId) => new(false, new PresenceUser(userId, null, 0, DateTimeOffset.UnixEpoch));

    [Fact]
    public void ABurstOfTheRateGoesOutAtOnceAndTheRestWaitsForTheNextToken()
    {
        var gate = new PresenceGate();
        for (var i = 0; i < 3; i++)
        {
            gate.Queue(Tenant, $"u{i}", Joined($"u{i}"), nowMs: 1_000);
            gate.TryTake(Tenant, 1_000, perSecond: 3, out var sent, out _).Should().BeTrue();
            sent.Select(c => c.Key).Should().Equal($"u{i}");
        }

        gate.Queue(Tenant, "u3", Joined("u3"), nowMs: 1_000);
        gate.TryTake(Tenant, 1_000, perSecond: 3, out var none, out var retryAt).Should().BeFalse();
        none.Should().BeEmpty();
        retryAt.Should().Be(1_334, "one token comes back every third of a second");

        gate.TryTake(Tenant, retryAt, perSecond: 3, out var later, out _).Should().BeTrue();
        later.Select(c => c.Key).Should().Equal("u3");
    }

    [Fact]
    public void ChangesThatWaitAreMergedPerUserAndTheLastOneWins()
    {
        var gate = new PresenceGate();
        gate.Queue(Tenant, "first", Joined("first"), 0);
        gate.TryTake(Tenant, 0, perSecond: 1, out _, out _).Should().BeTrue();

        gate.Queue(Tenant, "amy", Joined("amy"), 10);
        gate.Queue(Tenant, "bob", Joined("bob"), 20);
        gate.Queue(Tenant, "amy", Left("amy"), 30);
        gate.Queue(Tenant, "cat", Left("cat"), 40);
        gate.TryTake(Tenant, 500, perSecond: 1, out _, out var retryAt).Should().BeFalse();
        gate.WaitingScopes.Should().Be(1);

        gate.TryTake(Tenant, retryAt, perSecond: 1, out var merged, out _).Should().BeTrue();
        merged.ToDictionary(c => c.Key, c => c.Value.Joined).Should().BeEquivalentTo(new Dictionary<string, bool>
        {
            ["amy"] = false,
            ["bob"] = true,
            ["cat"] = false,
        });
        gate.WaitingScopes.Should().Be(0);
    }

    [Fact]
    public void AReleaseOfJoinsAndLeavesCostsTwoEvents()
    {
        var gate = new PresenceGate();
        gate.Queue(Tenant, "amy", Joined("amy"), 0);
        gate.Queue(Tenant, "bob", Left("bob"), 0);
        gate.TryTake(Tenant, 0, perSecond: 2, out var both, out _).Should().BeTrue();
        both.Should().HaveCount(2);

        gate.Queue(Tenant, "cat", Joined("cat"), 0);
        gate.TryTake(Tenant, 0, perSecond: 2, out _, out var retryAt).Should().BeFalse("a joined and a left event used both tokens");
        retryAt.Should().Be(500);
    }

    [Fact]
    public void ScopesAreBoundedEachOnTheirOwn()
    {
        var gate = new PresenceGate();
        var other = new PresenceRoom("org-b", "t1");
        gate.Queue(Tenant, "amy", Joined("amy"), 0);
        gate.TryTake(Tenant, 0, perSecond: 1, out _, out _).Should().BeTrue();

        gate.Queue(other, "amy", Joined("amy"), 0);
        gate.TryTake(other, 0, perSecond: 1, out var sent, out _).Should().BeTrue("equal tenant ids in two organizations are two scopes");
        sent.Should().ContainSingle();
    }

    [Fact]
    public void ChangesTakenAreTheCallersAndLaterChangesWaitApart()
    {
        var gate = new PresenceGate();
        gate.Queue(Tenant, "amy", Joined("amy"), 0);
        gate.TryTake(Tenant, 0, perSecond: 10, out var first, out _).Should().BeTrue();

        gate.Queue(Tenant, "amy", Left("amy"), 0);
        gate.Queue(Tenant, "bob", Joined("bob"), 0);
        first.Should().ContainSingle().Which.Value.Joined.Should().BeTrue("what was taken does not change with what is queued after");

        gate.TryTake(Tenant, 0, perSecond: 10, out var second, out _).Should().BeTrue();
        second.Select(c => c.Key).Should().BeEquivalentTo(["amy", "bob"]);
        gate.WaitingScopes.Should().Be(0);
        gate.TryTake(Tenant, 0, perSecond: 10, out var none, out _).Should().BeTrue();
        none.Should().BeEmpty();
    }
}
