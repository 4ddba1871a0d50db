using TenantRealtime.Redis.Connections;

namespace TenantRealtime.Redis.Tests.Connections;

/// <summary>The other servers' shares as last read: per tenant and per (organization, user), and bounded.</summary>
public sealed class RememberedSharesTests
{
    private readonly RememberedShares _shares = new();

    [Fact]
    public void TheLastReadOfATenantAndAUserIsRecalledForEveryoneItConcerns()
    {
        _shares.Remember(Member("alice", "org-a", "t1"), new ElsewhereCounts(Tenant: 7, User: 2));
        _shares.Remember(Member("alice", "org-a", "t1"), new ElsewhereCounts(Tenant: 5, User: 1));

        _shares.Recall(Member("alice", "org-a", "t1")).Should().Be(new ElsewhereCounts(5, 1));
        _shares.Recall(Member("bob", "org-a", "t1")).Should().Be(new ElsewhereCounts(5, 0));
        _shares.Recall(new TenantIdentity("alice", "org-a", null, TenantRoles.Admin)).Should().Be(new ElsewhereCounts(0, 1));

        // User ids are unique only within an organization; tenant ids too.
        _shares.Recall(Member("alice", "org-b", "t1")).Should().Be(new ElsewhereCounts(0, 0));
    }

    [Fact]
    public void AShareReadAsZeroIsForgotten()
    {
        _shares.Remember(Member("alice", "org-a", "t1"), new ElsewhereCounts(3, 1));
        _shares.Remember(Member("alice", "org-a", "t1"), new ElsewhereCounts(0, 0));

        _shares.Recall(Member("alice", "org-a", "t1")).Should().Be(new ElsewhereCounts(0, 0));
    }

    [Fact]
    public void MemoryIsBoundedAndKeepsTheMostRecentlyRead()
    {
        // Each identity is two scopes (its tenant and its user): this reads about three times the capacity.
        var identities = Enumerable.Range(0, RememberedShares.Capacity * 3 / 2).Select(i => Member($"u{i}", "org-a", $"t{i}")).ToList();
        foreach (var identity in identities)
        {
            _shares.Remember(identity, new ElsewhereCounts(1, 1));
        }

        var recalled = identities.Count(i => _shares.Recall(i) != default);
        recalled.Should().BeLessThanOrEqualTo(RememberedShares.Capacity);
        _shares.Recall(identities[^1]).Should().Be(new ElsewhereCounts(1, 1));
        _shares.Recall(identities[0]).Should().Be(new ElsewhereCounts(0, 0));
    }

    private static TenantIdentity Member(string userId, string organizationId, string tenantId) => new(userId, organizationId, tenantId, TenantRoles.Member);
}
