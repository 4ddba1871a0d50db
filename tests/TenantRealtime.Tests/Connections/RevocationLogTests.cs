using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Tests.Connections;

/// <summary>
/// A revocation request carried out while a connection is connecting is found by it when it is stored: the store
/// records requests and admits connections under one lock, so each request either finds the connection or is found.
/// </summary>
public sealed class RevocationLogTests
{
    private static readonly TenantIdentity Alice = new("alice", "org-a", "t1", TenantRoles.Member);

    private readonly LocalConnectionStore _store = new();

    [Fact]
    public void AConnectionIsAddedWhenNoRequestSinceItsSampleAppliesToIt()
    {
        var since = _store.RevocationGeneration;
        _store.Revoke(new RevocationRequest(RevocationKind.RefreshUserRooms, "org-a", "amy"));
        _store.Revoke(new RevocationRequest(RevocationKind.DisconnectUser, "org-b", "alice"));
        _store.Revoke(new RevocationRequest(RevocationKind.DisconnectTenant, "org-a", "t2"));

        Add("c1", since).Should().Be(StoreResult.Added);
        _store.Find("c1").Should().NotBeNull();
    }

    [Fact]
    public void RequestsCarriedOutBeforeTheSampleDoNotApply()
    {
        _store.Revoke(new RevocationRequest(RevocationKind.DisconnectUser, "org-a", "alice"));

        Add("c1", _store.RevocationGeneration).Should().Be(StoreResult.Added);
    }

    // Names, not the internal enums: a public test method cannot take them.
    [Theory]
    [InlineData(nameof(RevocationKind.RefreshUserRooms), "alice", nameof(StoreResult.Stale))]
    [InlineData(nameof(RevocationKind.DisconnectUser), "alice", nameof(StoreResult.Revoked))]
    [InlineData(nameof(RevocationKind.DisconnectTenant), "t1", nameof(StoreResult.Revoked))]
    public void ARequestCarriedOutWhileConnectingKeepsTheConnectionOutOfTheStore(string kind, string target, string admission)
    {
        var since = _store.RevocationGeneration;
        _store.Revoke(new RevocationRequest(Enum.Parse<RevocationKind>(kind), "org-a", target)).Should().BeEmpty("the connection is not stored yet");

        Add("c1", since).Should().Be(Enum.Parse<StoreResult>(admission));
        _store.Find("c1").Should().BeNull();
        _store.Count.Should().Be(0);
    }

    [Fact]
    public void ADisconnectWinsOverARefresh()
    {
        var since = _store.RevocationGeneration;
        _store.Revoke(new RevocationRequest(RevocationKind.DisconnectUser, "org-a", "alice"));
        _store.Revoke(new RevocationRequest(RevocationKind.RefreshUserRooms, "org-a", "alice"));

        Add("c1", since).Should().Be(StoreResult.Revoked);
    }

    [Fact]
    public void ARequestCarriedOutOnceTheConnectionIsStoredFindsIt()
    {
        Add("c1", _store.RevocationGeneration).Should().Be(StoreResult.Added);

        _store.Revoke(new RevocationRequest(RevocationKind.DisconnectTenant, "org-a", "t1")).Select(s => s.ConnectionId).Should().Equal("c1");
        _store.Revoke(new RevocationRequest(RevocationKind.RefreshUserRooms, "org-a", "alice")).Select(s => s.ConnectionId).Should().Equal("c1");
    }

    [Fact]
    public void WhenTheLogNoLongerReachesBackToTheSampleTheConnectionAuthenticatesAgain()
    {
        var since = _store.RevocationGeneration;
        for (var i = 0; i <= RevocationLog.Capacity; i++)
        {
            _store.Revoke(new RevocationRequest(RevocationKind.DisconnectUser, "org-z", $"u{i}"));
        }

        Add("c1", since).Should().Be(StoreResult.Stale, "the requests it missed are overwritten: it cannot tell they were not its own");
        Add("c2", since + 1).Should().Be(StoreResult.Added, "exactly the log's capacity back is still known");
    }

    [Fact]
    public void AnonymousConnectionsAreNeverRevoked()
    {
        var since = _store.RevocationGeneration;
        _store.Revoke(new RevocationRequest(RevocationKind.DisconnectTenant, "org-a", "t1"));

        _store.TryAdd(new ConnectionState(new FakeCallerContext("anon"), identity: null), maxPerUser: 1, since).Should().Be(StoreResult.Added);
    }

    [Fact]
    public void ThePerUserLimitStillApplies()
    {
        Add("c1", _store.RevocationGeneration).Should().Be(StoreResult.Added);

        _store.TryAdd(new ConnectionState(new FakeCallerContext("c2"), Alice), maxPerUser: 1, _store.RevocationGeneration).Should().Be(StoreResult.UserAtLimit);
    }

    private StoreResult Add(string connectionId, long since) =>
        _store.TryAdd(new ConnectionState(new FakeCallerContext(connectionId), Alice), maxPerUser: 5, since);
}
