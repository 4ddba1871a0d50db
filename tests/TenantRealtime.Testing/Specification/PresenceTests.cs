using System.Diagnostics;
using FluentAssertions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Presence: who is online per organization and tenant, as users. Announced to exactly those who may see it, debounced,
/// bounded, and never in the recovery history. The cluster runs presence as <see cref="PresenceSettings"/> has it.
/// </summary>
public abstract class PresenceTests<TCluster>(TCluster cluster) : PresenceTestBase<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    [Fact]
    public async Task AFirstConnectionIsAnnouncedToItsTenantAndTheOrganizationsAdminsAndListed()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        await WaitForPresenceAsync(amy, "joined", "tenant", "amy");
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        await WaitForPresenceAsync(ada, "joined", "organization", "ada");

        await ConnectUserAsync(TestUser.Member("bob", a, "t1") with { DisplayName = "Bob Builder" });

        var joined = await WaitForPresenceAsync(amy, "joined", "tenant", "bob");
        joined.Fields.Should().Contain("organizationId", a).And.Contain("tenantId", "t1").And.ContainKey("timestamp");
        joined.Fields.Should().NotContainKeys(["room", "seq", "epoch"], "presence events are not numbered and not kept for Resume");
        var data = (IReadOnlyDictionary<string, object?>)joined["data"]!;
        data.Should().Contain("userCount", 2L).And.Contain("countsOnly", false);
        var bob = EntriesOf(data).Should().ContainSingle().Subject;
        bob.Should().Contain("userId", "bob").And.Contain("displayName", "Bob Builder").And.Contain("connections", 1L);
        DateTimeOffset.Parse((string)bob["onlineSince"]!, System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));

        // Admins get the tenant's event and the organization's; a member gets its tenant's only.
        await WaitForPresenceAsync(ada, "joined", "tenant", "bob");
        await WaitForPresenceAsync(ada, "joined", "organization", "bob");
        await FlushAsync(a, amy, ada);
        amy.Received.Where(m => m.EventName == Presence).Should().OnlyContain(m => m.String("scope") == "tenant");
        EventsAbout(ada, "bob").Should().BeEquivalentTo("joined/tenant", "joined/organization");

        var tenant = await GetPresenceAsync(amy, "tenant");
        tenant.Should().Contain("scope", "tenant").And.Contain("organizationId", a).And.Contain("tenantId", "t1")
            .And.Contain("userCount", 2L).And.Contain("connectionCount", 2L).And.Contain("countsOnly", false).And.ContainKey("timestamp");
        UsersOf(tenant).Should().Equal(["amy", "bob"], "users are listed by when they came online");
        UsersOf(await GetPresenceAsync(ada, "organization")).Should().Equal("amy", "ada", "bob");

        // The server's own view, on either server.
        var snapshot = await Cluster.Receiver.Services.GetRequiredService<IPresence>().GetAsync(a, "t1");
        snapshot.Users.Select(u => (u.UserId, u.DisplayName, u.Connections)).Should().Equal(("amy", (string?)null, 1L), ("bob", "Bob Builder", 1L));
        snapshot.Should().BeEquivalentTo(new { OrganizationId = a, TenantId = "t1", UserCount = 2L, ConnectionCount = 2L, CountsOnly = false }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task TheLastConnectionLeavingIsAnnouncedOnceTheDebounceWindowHasPassed()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var bob = await ConnectUserAsync(TestUser.Member("bob", a, "t1"));
        await WaitForPresenceAsync(amy, "joined", "tenant", "bob");

        var clock = Stopwatch.StartNew();
        await bob.Connection.StopAsync();
        var left = await WaitForPresenceAsync(amy, "left", "tenant", "bob", AfterTheWindow + TimeSpan.FromSeconds(5));

        clock.Elapsed.Should().BeGreaterThan(PresenceSettings.Debounce - TimeSpan.FromMilliseconds(300), "a user stays online for the debounce window");
        var data = (IReadOnlyDictionary<string, object?>)left["data"]!;
        data.Should().Contain("userCount", 1L);
        EntriesOf(data).Single().Should().Contain("userId", "bob").And.Contain("connections", 0L).And.ContainKey("onlineSince");
        UsersOf(await GetPresenceAsync(amy, "tenant")).Should().Equal("amy");
    }

    [Fact]
    public async Task AReconnectWithinTheDebounceWindowAnnouncesNothing()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var user = TestUser.Member("bob", a, "t1");
        var bob = await ConnectUserAsync(user);
        await WaitForPresenceAsync(amy, "joined", "tenant", "bob");

        await bob.Connection.StopAsync();
        await ConnectUserAsync(user);
        await Task.Delay(AfterTheWindow);
        await FlushAsync(a, amy);

        EventsAbout(amy, "bob").Should().Equal(["joined/tenant"], "a reconnect within the window is neither a leave nor a join");
        ConnectionsOf(await GetPresenceAsync(amy, "tenant"), "bob").Should().Be(1);
    }

    [Fact]
    public async Task SeveralConnectionsOfOneUserAreOneUserWithTheirCount()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var user = TestUser.Member("bob", a, "t1");
        var first = await ConnectUserAsync(user);
        var second = await ConnectUserAsync(user);
        await PresenceWhenAsync(amy, "tenant", p => ConnectionsOf(p, "bob") == 2, "bob's two connections are counted");

        await first.Connection.StopAsync();
        await PresenceWhenAsync(amy, "tenant", p => ConnectionsOf(p, "bob") == 1, "bob has one connection left");
        await Task.Delay(AfterTheWindow);
        await FlushAsync(a, amy);
        EventsAbout(amy, "bob").Should().Equal(["joined/tenant"], "a user comes online once and stays while any connection is left");

        await second.Connection.StopAsync();
        await WaitForPresenceAsync(amy, "left", "tenant", "bob", AfterTheWindow + TimeSpan.FromSeconds(5));
        EventsAbout(amy, "bob").Should().Equal("joined/tenant", "left/tenant");
    }

    [Fact]
    public async Task EqualTenantIdsInTwoOrganizationsAreTwoScopes()
    {
        string a = Org("a"), b = Org("b");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        var bea = await ObserveAsync(TestUser.Member("bea", b, "t1"));
        await ConnectUserAsync(TestUser.Member("bob", a, "t1"));
        await ConnectUserAsync(TestUser.Member("bill", b, "t1"));

        await WaitForPresenceAsync(amy, "joined", "tenant", "bob");
        await WaitForPresenceAsync(bea, "joined", "tenant", "bill");
        await FlushAsync(a, amy, ada);
        await FlushAsync(b, bea);

        amy.Received.Where(m => m.EventName == Presence).Should().OnlyContain(m => m.String("organizationId") == a);
        ada.Received.Where(m => m.EventName == Presence).Should().OnlyContain(m => m.String("organizationId") == a);
        bea.Received.Where(m => m.EventName == Presence).Should().OnlyContain(m => m.String("organizationId") == b);
        EventsAbout(amy, "bill").Should().BeEmpty();
        EventsAbout(ada, "bill").Should().BeEmpty();
        EventsAbout(bea, "bob").Should().BeEmpty();
        UsersOf(await GetPresenceAsync(amy, "tenant")).Should().Equal("amy", "bob");
        UsersOf(await GetPresenceAsync(bea, "tenant")).Should().Equal("bea", "bill");
        UsersOf(await GetPresenceAsync(ada, "organization")).Should().NotContain(["bea", "bill"]);
    }

    [Fact]
    public async Task ScopesBeyondWhatTheIdentityMaySeeAreForbidden()
    {
        string a = Org("a"), b = Org("b");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        var pat = await ObserveAsync(TestUser.PlatformAdmin("pat", Org("p")));
        await ConnectUserAsync(TestUser.Member("bill", b, "t1"));

        await ShouldBeForbiddenAsync(() => GetPresenceAsync(amy, "tenant", tenantId: "t2"), "a member may see the presence of its own tenant only.");
        await ShouldBeForbiddenAsync(() => GetPresenceAsync(amy, "organization"), "the presence of the whole organization is for its admins.");
        await ShouldBeForbiddenAsync(() => GetPresenceAsync(amy, "tenant", b, "t1"), "only a platform admin may see the presence of another organization.");
        await ShouldBeForbiddenAsync(() => GetPresenceAsync(ada, "organization", b), "only a platform admin may see the presence of another organization.");
        await ShouldBeForbiddenAsync(() => GetPresenceAsync(ada, "tenant", b, "t1"), "only a platform admin may see the presence of another organization.");

        // Admins see every tenant of their organization; a platform admin sees any scope.
        (await GetPresenceAsync(ada, "tenant", tenantId: "t2")).Should().Contain("userCount", 0L);
        UsersOf(await PresenceWhenAsync(ada, "tenant", p => UsersOf(p).Contains("amy"), "amy is online", tenantId: "t1")).Should().Equal("amy");
        UsersOf(await PresenceWhenAsync(pat, "tenant", p => UsersOf(p).Contains("bill"), "bill is online", b, "t1")).Should().Equal("bill");
        UsersOf(await GetPresenceAsync(pat, "organization", b)).Should().Equal("bill");

        // Malformed requests are invalid arguments, as for every hub method.
        await ShouldFailAsync(() => GetPresenceAsync(amy, "everything"), "invalid-argument: 'scope' must be \"organization\" or \"tenant\".");
        await ShouldFailAsync(() => GetPresenceAsync(amy, "tenant", "org:x"), "invalid-argument: 'organizationId' must be 1 to 64 characters of [A-Za-z0-9_.-].");
        await ShouldFailAsync(() => GetPresenceAsync(ada, "tenant"), "invalid-argument: 'tenantId' is required: the connection has no tenant of its own.");
        await ShouldFailAsync(() => amy.InvokeAsync("GetPresence", "tenant"), "invalid-argument: GetPresence expects an object like {scope: \"organization\" | \"tenant\", organizationId?, tenantId?}.");
    }

    [Fact]
    public async Task AboveTheListBoundAScopeReportsCountsOnly()
    {
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"));
        var users = Enumerable.Range(1, PresenceSettings.MaxListSize).Select(i => TestUser.Member($"u{i}", a, "t1")).ToList();
        foreach (var user in users)
        {
            await ConnectUserAsync(user);
        }

        var over = await amy.WaitForAsync(Presence, m => m.String("type") == "joined" && ((IReadOnlyDictionary<string, object?>)m["data"]!)["userCount"] is long count && count > PresenceSettings.MaxListSize);
        var data = (IReadOnlyDictionary<string, object?>)over["data"]!;
        data.Should().Contain("countsOnly", true);
        EntriesOf(data).Should().BeEmpty("above the bound an event carries the count, not the users");

        var read = await PresenceWhenAsync(amy, "tenant", p => Equals(p["userCount"], 6L) && Equals(p["connectionCount"], 6L), "all six are online");
        read.Should().Contain("countsOnly", true);
        EntriesOf(read).Should().BeEmpty();
        // Above the bound the connections are the registry's count, which reaches every server a moment later.
        var presence = Cluster.Receiver.Services.GetRequiredService<IPresence>();
        var snapshot = await presence.GetAsync(a, "t1");
        for (var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout; snapshot.ConnectionCount != 6 && DateTime.UtcNow < deadline; snapshot = await presence.GetAsync(a, "t1"))
        {
            await Task.Delay(50);
        }

        snapshot.Should().BeEquivalentTo(new { UserCount = 6L, ConnectionCount = 6L, CountsOnly = true }, o => o.ExcludingMissingMembers());
        snapshot.Users.Should().BeEmpty();
    }

    [Fact]
    public async Task PresenceEventsAreNotKeptForResumeAndNeverEvictABroadcast()
    {
        // A history of three broadcasts per room: five presence events in between would evict the broadcast if they
        // were kept, and a client that does not listen to them would see a gap.
        await using var node = await Cluster.StartNodeAsync(o =>
        {
            PresenceSettings.Apply(o);
            o.HistoryMaxMessages = 3;
            o.MaxPresenceListSize = 100;
        });
        const string Update = "update";
        var a = Org("a");
        var user = TestUser.Member("amy", a, "t1");
        var live = await ObserveAsync(TestUser.Member("liv", a, "t1"), node, Update);
        var amy = Track(await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, Update));
        await node.Broadcaster.BroadcastToTenantAsync(a, "t1", Update, "updated", "before");
        var before = await amy.WaitForAsync(Update, m => m.String("data") == "before");
        var (room, epoch, seq) = (before.String("room")!, before.String("epoch")!, (long)before["seq"]!);
        await amy.Connection.StopAsync();

        foreach (var i in Enumerable.Range(1, 5))
        {
            await ConnectUserAsync(TestUser.Member($"u{i}", a, "t1"), node);
            await WaitForPresenceAsync(live, "joined", "tenant", $"u{i}");
        }

        await node.Broadcaster.BroadcastToTenantAsync(a, "t1", Update, "updated", "after");
        var back = Track(await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, Update));
        var resumed = await ResumeAsync(back, room, epoch, seq);
        resumed.Should().Contain("recovered", true).And.Contain("replayed", 1L);
        var after = await back.WaitForAsync(Update, m => m.String("data") == "after");
        ((long)after["seq"]!).Should().Be(seq + 1, "presence took no sequence number");
        live.Received.Where(m => m.EventName == Presence).Should().NotBeEmpty().And.OnlyContain(m => m["seq"] == null && m["room"] == null && m["epoch"] == null);

        // Recovered only when it is true: four broadcasts missed out of a history of three cannot be.
        await back.Connection.StopAsync();
        foreach (var i in Enumerable.Range(1, 4))
        {
            await node.Broadcaster.BroadcastToTenantAsync(a, "t1", Update, "updated", $"missed-{i}");
        }

        var again = Track(await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, Update));
        (await ResumeAsync(again, room, epoch, seq + 1)).Should().Contain("recovered", false);
    }

    [Fact]
    public async Task OverTheRateBoundChangesAreMergedAndSentLaterNeverDropped()
    {
        await using var node = await Cluster.StartNodeAsync(o =>
        {
            PresenceSettings.Apply(o);
            o.PresenceEventsPerSecond = 1;
        });
        using var deferred = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            node.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "TenantRealtime", "tenantrealtime.presence.deferred");
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"), node);
        await WaitForPresenceAsync(amy, "joined", "tenant", "amy"); // the tenant's one event of this second

        var names = Enumerable.Range(1, 4).Select(i => $"u{i}").ToList();
        await Task.WhenAll(names.Select(name => ConnectUserAsync(TestUser.Member(name, a, "t1"), node)));
        foreach (var name in names)
        {
            await WaitForPresenceAsync(amy, "joined", "tenant", name, TimeSpan.FromSeconds(15));
        }

        var events = amy.Received.Where(m => m.EventName == Presence && m.String("scope") == "tenant" && UsersOf(m).Intersect(names).Any()).ToList();
        events.Should().HaveCountLessThan(names.Count, "changes over the bound are merged into fewer events");
        events.SelectMany(UsersOf).Should().BeEquivalentTo(names, "every change is sent, once");
        deferred.GetMeasurementSnapshot().Sum(m => m.Value).Should().BePositive();
    }

    [Fact]
    public async Task WithPresenceOffGetPresenceIsDisabledAndNothingIsAnnounced()
    {
        await using var node = await Cluster.StartNodeAsync(_ => { });
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"), node);
        await ConnectUserAsync(TestUser.Member("bob", a, "t1"), node);

        await ShouldFailAsync(() => GetPresenceAsync(amy, "tenant"), "disabled: presence is not enabled on this server.");
        var read = () => node.Services.GetRequiredService<IPresence>().GetAsync(a, "t1").AsTask();
        await read.Should().ThrowAsync<InvalidOperationException>().WithMessage("*EnablePresence*");
        await node.Broadcaster.BroadcastToOrganizationAsync(a, Sentinel.EventName, "flush", "off");
        await amy.WaitForAsync(Sentinel.EventName, m => m.String("data") == "off");
        amy.Received.Should().NotContain(m => m.EventName == Presence);
    }

    [Fact]
    public async Task MembersSeeTheirWholeOrganizationOnlyWhenTheAppSharesIt()
    {
        await using var node = await Cluster.StartNodeAsync(o =>
        {
            PresenceSettings.Apply(o);
            o.ShareOrganizationPresenceWithMembers = true;
        });
        var a = Org("a");
        var amy = await ObserveAsync(TestUser.Member("amy", a, "t1"), node);
        var ada = await ObserveAsync(TestUser.Admin("ada", a), node);
        await ConnectUserAsync(TestUser.Member("tom", a, "t2"), node);

        await WaitForPresenceAsync(amy, "joined", "organization", "tom");
        await WaitForPresenceAsync(ada, "joined", "tenant", "tom");
        await node.Broadcaster.BroadcastToOrganizationAsync(a, Sentinel.EventName, "flush", "shared");
        await Task.WhenAll(amy.WaitForAsync(Sentinel.EventName, m => m.String("data") == "shared"), ada.WaitForAsync(Sentinel.EventName, m => m.String("data") == "shared"));
        EventsAbout(amy, "tom").Should().Equal(["joined/organization"], "the other tenant's own events stay with that tenant and the admins");
        EventsAbout(ada, "tom").Should().BeEquivalentTo(["joined/tenant", "joined/organization"], "an admin gets each event once");
        UsersOf(await GetPresenceAsync(amy, "organization")).Should().Equal("amy", "ada", "tom");
        await ShouldBeForbiddenAsync(() => GetPresenceAsync(amy, "tenant", tenantId: "t2"), "a member may see the presence of its own tenant only.");
    }

    [Fact]
    public async Task PresenceEventsAreCountedByScopeAndType()
    {
        using var events = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            Cluster.Sender.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "TenantRealtime", "tenantrealtime.presence.events");
        var a = Org("a");
        var ada = await ObserveAsync(TestUser.Admin("ada", a));
        await ConnectUserAsync(TestUser.Member("bob", a, "t1"));
        await WaitForPresenceAsync(ada, "joined", "tenant", "bob");
        await WaitForPresenceAsync(ada, "joined", "organization", "bob");

        // Counted where the change was decided (the server bob connected to), once Redis has answered it: with Redis the
        // events may reach the observer a moment before that answer.
        static bool Counted(IEnumerable<Microsoft.Extensions.Diagnostics.Metrics.Testing.CollectedMeasurement<long>> measurements, string scope) =>
            measurements.Any(m => Equals(m.Tags["tenantrealtime.scope"], scope) && Equals(m.Tags["tenantrealtime.presence.type"], "joined"));
        for (var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout; !(Counted(events.GetMeasurementSnapshot(), "tenant") && Counted(events.GetMeasurementSnapshot(), "organization")) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20);
        }

        var measurements = events.GetMeasurementSnapshot();
        measurements.Should().Contain(m => Equals(m.Tags["tenantrealtime.scope"], "tenant") && Equals(m.Tags["tenantrealtime.presence.type"], "joined"));
        measurements.Should().Contain(m => Equals(m.Tags["tenantrealtime.scope"], "organization") && Equals(m.Tags["tenantrealtime.presence.type"], "joined"));
        measurements.Should().OnlyContain(m => m.Tags.Keys.All(k => k == "tenantrealtime.scope" || k == "tenantrealtime.presence.type"), "no ids as tags");
    }

    private static async Task<IReadOnlyDictionary<string, object?>> ResumeAsync(RealtimeClient client, string room, string epoch, long seq)
    {
        var result = await client.InvokeAsync("Resume", new Dictionary<string, object?>
        {
            ["positions"] = new object[] { new Dictionary<string, object?> { ["room"] = room, ["epoch"] = epoch, ["seq"] = seq } },
        });
        return ((IEnumerable<object?>)result["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
    }

    private static Task ShouldBeForbiddenAsync(Func<Task> call, string sentence) => ShouldFailAsync(call, "forbidden: " + sentence);

    private static async Task ShouldFailAsync(Func<Task> call, string codeAndSentence) =>
        (await call.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("HubException: " + codeAndSentence);
}
