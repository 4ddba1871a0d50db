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
        local.Find(new PresenceRoom("org-a", "t2"), "ada").Should().Be((Noon, "Ada"), "the first connection brought the user online here");
        local.Members().Should().BeEquivalentTo([(new PresenceRoom("org-a", null), "ada"), (new PresenceRoom("org-a", "t1"), "ada"), (new PresenceRoom("org-a", "t2"), "ada")]);
    }

    [Fact]
    public void EntriesGoWhenTheirLastConnectionDoes()
    {
        var local = new LocalPresence();
        local.Add(Ada("t1"), null, Noon);
        local.Add(Ada("t2"), null, Noon);

        local.Remove(Ada("t1")).Should().BeTrue();
        local.Connections(new PresenceRoom("org-a", "t1"), "ada").Should().Be(0);
        local.Members().Should().BeEquivalentTo([(new PresenceRoom("org-a", null), "ada"), (new PresenceRoom("org-a", "t2"), "ada")]);

        local.Remove(Ada("t2")).Should().BeTrue();
        local.Has("org-a").Should().BeFalse();
        local.Find(new PresenceRoom("org-a", null), "ada").Should().BeNull();
        local.Remove(Ada("t2")).Should().BeFalse("nothing is counted any more");
    }

    [Fact]
    public void TopicsCountSubscribedConnectionsApartFromTheOrganization()
    {
        var local = new LocalPresence();
        var incident = new PresenceRoom("org-a", "t1", "incident:42");
        var board = new PresenceRoom("org-a", null, "board");
        local.AddTopic(incident, "ada", "Ada", Noon);
        local.AddTopic(incident, "ada", "Ada again", Noon.AddSeconds(3));
        local.AddTopic(board, "bob", null, Noon);

        local.Connections(incident, "ada").Should().Be(2);
        local.Connections(new PresenceRoom("org-a", "t1"), "ada").Should().Be(0, "a topic's subscription is not a connection of the tenant");
        local.Find(incident, "ada").Should().Be((Noon, "Ada"));
        local.Has("org-a").Should().BeTrue("a topic of the organization has a subscriber here");
        local.Members().Should().BeEquivalentTo([(incident, "ada"), (board, "bob")]);

        local.RemoveTopic(incident, "ada").Should().BeTrue();
        local.RemoveTopic(incident, "ada").Should().BeTrue();
        local.RemoveTopic(incident, "ada").Should().BeFalse("nothing is counted any more");
        local.RemoveTopic(board, "bob").Should().BeTrue();
        local.Has("org-a").Should().BeFalse();
        local.Members().Should().BeEmpty();
    }
}
