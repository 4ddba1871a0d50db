using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Tests.Presence;

/// <summary>A user's connections per tenant: the first tenant inline, any other in a dictionary made when needed.</summary>
public sealed class TenantCountsTests
{
    [Fact]
    public void OneTenantIsCountedUpAndDown()
    {
        var counts = default(TenantCounts);
        counts.Add("t1");
        counts.Add("t1");
        counts.Of("t1").Should().Be(2);
        counts.Of("t2").Should().Be(0);

        counts.Remove("t1");
        counts.Of("t1").Should().Be(1);
        counts.Remove("t1");
        counts.Of("t1").Should().Be(0);
        counts.Names().Should().BeEmpty();
    }

    [Fact]
    public void SeveralTenantsAreCountedEachOnTheirOwn()
    {
        var counts = default(TenantCounts);
        counts.Add("t1");
        counts.Add("t2");
        counts.Add("t2");
        counts.Add("t3");

        counts.Of("t1").Should().Be(1);
        counts.Of("t2").Should().Be(2);
        counts.Of("t3").Should().Be(1);
        counts.Names().Should().BeEquivalentTo(["t1", "t2", "t3"]);

        counts.Remove("t2");
        counts.Remove("t3");
        counts.Of("t2").Should().Be(1);
        counts.Names().Should().BeEquivalentTo(["t1", "t2"]);
    }

    [Fact]
    public void AFreedFirstPlaceIsTakenByANewTenantNeverByOneAlreadyCounted()
    {
        var counts = default(TenantCounts);
        counts.Add("t1");
        counts.Add("t2");
        counts.Remove("t1");

        // t2 is counted in the dictionary: adding to it must not start a second count inline.
        counts.Add("t2");
        counts.Add("t3");
        counts.Of("t2").Should().Be(2);
        counts.Of("t3").Should().Be(1);
        counts.Names().Should().BeEquivalentTo(["t2", "t3"]);

        counts.Remove("t2");
        counts.Remove("t2");
        counts.Remove("t3");
        counts.Names().Should().BeEmpty();
    }

    [Fact]
    public void RemovingATenantNeverCountedChangesNothing()
    {
        var counts = default(TenantCounts);
        counts.Remove("t1");
        counts.Add("t1");
        counts.Remove("t2");

        counts.Of("t1").Should().Be(1);
        counts.Names().Should().Equal("t1");
    }

    [Fact]
    public void TenantIdsAreCaseSensitive()
    {
        var counts = default(TenantCounts);
        counts.Add("t1");
        counts.Add("T1");

        counts.Of("t1").Should().Be(1);
        counts.Of("T1").Should().Be(1);
    }
}
