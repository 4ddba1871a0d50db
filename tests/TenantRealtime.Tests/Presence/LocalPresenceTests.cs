using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Tests.Presence;

/// <summary>This server's share: connections per user of each organization and per tenant, gone when they reach zero.</summary>
public sealed class LocalPresenceTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static TenantIdentity Ada(string? tenantId) => new("ada", "org-a", tenantId, TenantRoles.Member);

    [Fact]
    public void AUserInTwoTenantsIsCountedInTheOrganizationAndInEachTenant()
    {
        var local = new LocalPresence();
        local.Add(Ada("t1"), "Ada", Noon);
        local.Add(Ada("t2"), "Ada 2", Noon.AddSeconds(5));
        local.Add(Ada("t2"), null, Noon.AddSeconds(9));
        local.Add(Ada(null), null, Noon.AddSeconds(9));

        local.Connections(new PresenceRoom("org-a", null), "ada").Should().Be(4);
        local.Connections(new PresenceRoom("org-a", "t1"), "ada").Should().Be(1);
        local.Connections(new PresenceRoom("org-a", "t2"), "ada").Should().Be(2);
        local.Connections(new PresenceRoom("org-a", "t3"), "ada").Should().Be(0);
        local.Connections(new PresenceRoom("org-b", "t1"), "ada").Should().Be(0);
        local.Find("org-a", "ada").Should().Be((Noon, "Ada"), "the first connection brought the user online here");
        local.Members().Should().BeEquivalentTo([("org-a", "ada", (string?)null), ("org-a", "ada", "t1"), ("org-a", "ada", "t2")]);
    }

    [Fact]
    public void EntriesGoWhenTheirLastConnectionDoes()
    {
        var local = new LocalPresence();
        local.Add(Ada("t1"), null, Noon);
        local.Add(Ada("t2"), null, Noon);

        local.Remove(Ada("t1")).Should().BeTrue();
        local.Connections(new PresenceRoom("org-a", "t1"), "ada").Should().Be(0);
        local.Members().Should().BeEquivalentTo([("org-a", "ada", (string?)null), ("org-a", "ada", "t2")]);

        local.Remove(Ada("t2")).Should().BeTrue();
        local.Has("org-a").Should().BeFalse();
        local.Find("org-a", "ada").Should().BeNull();
        local.Remove(Ada("t2")).Should().BeFalse("nothing is counted any more");
    }
}
