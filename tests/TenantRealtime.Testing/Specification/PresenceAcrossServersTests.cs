using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Presence where there is more than one server: a user on two servers is one user, a user moving between servers
/// within the debounce window never blinks, and the users of a server that dies leave within its ServerTimeout.
/// </summary>
public abstract class PresenceAcrossServersTests<TCluster>(TCluster cluster) : PresenceTestBase<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster, IProcessServers
{
    [Fact]
    public async Task AUserOnTwoServersIsOneUserWithEveryConnectionCounted()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var user = TestUser.Member("bob", a, "t1");
        var onSender = await ConnectUserAsync(user);
        await ConnectUserAsync(user, Cluster.Receiver);
        await PresenceWhenAsync(amy, "tenant", p => ConnectionsOf(p, "bob") == 2, "both servers' connections are counted");

        await onSender.Connection.StopAsync();
        await PresenceWhenAsync(amy, "tenant", p => ConnectionsOf(p, "bob") == 1, "the other server's connection is left");
        await Task.Delay(AfterTheWindow);
        await FlushAsync(a, amy);
        EventsAbout(amy, "bob").Should().Equal(["joined/tenant"], "bob came online once and is still online on the receiver");
    }

    [Fact]
    public async Task AUserMovingToAnotherServerWithinTheWindowNeverBlinks()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        var user = TestUser.Member("bob", a, "t1");
        var onSender = await ConnectUserAsync(user);
        await WaitForPresenceAsync(ada, "joined", "organization", "bob");

        await onSender.Connection.StopAsync();
        await ConnectUserAsync(user, Cluster.Receiver);
        await Task.Delay(AfterTheWindow);
        await FlushAsync(a, amy, ada);

        EventsAbout(amy, "bob").Should().Equal(["joined/tenant"], "a reconnect to another server is no leave and no second join");
        EventsAbout(ada, "bob").Should().BeEquivalentTo("joined/tenant", "joined/organization");
        ConnectionsOf(await GetPresenceAsync(ada, "organization"), "bob").Should().Be(1);
    }

    [Fact]
    public async Task TheUsersOfAKilledServerLeaveWithinTheServerTimeout()
    {
        var a = Org("a");
        await using var doomed = await Cluster.StartProcessServerAsync();
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        await ConnectUserAsync(TestUser.Member("bob", a, "t1") with { DisplayName = "Bob" }, Cluster.Receiver);
        var user = TestUser.Member("kim", a, "t1");
        Track(await RealtimeClient.ConnectAsync(doomed.HubUrl, user));
        Track(await RealtimeClient.ConnectAsync(doomed.HubUrl, TestUser.Member("bob", a, "t1")));
        await WaitForPresenceAsync(amy, "joined", "tenant", "kim");
        await PresenceWhenAsync(amy, "tenant", p => ConnectionsOf(p, "bob") == 2, "bob's connection on the doomed server is counted");

        doomed.Kill();
        var clock = Stopwatch.StartNew();

        // Noticed by a survivor's heartbeat once the dead server's share stops counting.
        var limit = Cluster.ServerTimeout + TimeSpan.FromSeconds(3);
        var left = await WaitForPresenceAsync(amy, "left", "tenant", "kim", limit + TimeSpan.FromSeconds(5));
        clock.Elapsed.Should().BeLessThan(limit, "a dead server's users leave within its ServerTimeout (and a heartbeat to notice)");
        EntriesOf((IReadOnlyDictionary<string, object?>)left["data"]!).Single(u => (string)u["userId"]! == "kim").Should().Contain("connections", 0L);
        await WaitForPresenceAsync(ada, "left", "organization", "kim");

        // Bob is still on a live server: he stays, with the connection he has left.
        await FlushAsync(a, amy, ada);
        EventsAbout(amy, "bob").Should().Equal("joined/tenant");
        var presence = await PresenceWhenAsync(amy, "tenant", p => ConnectionsOf(p, "bob") == 1, "only bob's live connection counts");
        UsersOf(presence).Should().Equal("amy", "bob");
    }
}
