using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// A client that drops and comes back gets what it missed, in order, or is told to reload; it can never use Resume
/// to read a room it does not hold. Clients resume on <see cref="IRealtimeCluster.Receiver"/> while broadcasts are
/// issued on <see cref="IRealtimeCluster.Sender"/>, so over Redis the history is proven cluster-wide.
/// </summary>
public abstract class RecoveryTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "recovery";

    private ITenantBroadcaster Broadcaster => Cluster.Sender.Broadcaster;

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task ResumeReplaysExactlyTheMissedBroadcastsInOrder(HubProtocolKind protocol)
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var (room, epoch, seq) = await LastPositionAsync(user, protocol);

        var live = await ConnectAsync(TestUser.Member("carol", user.OrganizationId, "t1"), protocol, Event);
        var missed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            missed.Add($"missed-{i}");
            await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", missed[^1]);
        }

        await live.WaitForAsync(Event, m => m.String("data") == missed[^1]);

        var back = await ConnectAsync(user, protocol, Event);
        var result = await ResumeAsync(back, (room, epoch, seq));

        result.Should().ContainSingle();
        ExpectRoom(result[0], room, recovered: true, replayed: 5);
        // On the wire the replay precedes Resume's answer; the client may run event handlers a moment after it.
        await back.WaitForAsync(Event, m => m.String("data") == missed[^1]);
        back.Markers(Event).Should().Equal(missed, "the replay comes in seq order");
        back.Received.Where(m => m.EventName == Event).Select(m => (long)m["seq"]!).Should().Equal(Enumerable.Range(1, 5).Select(i => seq + i));
        back.Received.Where(m => m.EventName == Event).Should().OnlyContain(m => m.String("room") == room && m.String("epoch") == epoch);
        back.Received.Where(m => m.EventName == Event).Select(m => m.Fields).Should().BeEquivalentTo(
            live.Received.Where(m => m.EventName == Event && missed.Contains(m.String("data")!)).Select(m => m.Fields),
            options => options.WithStrictOrdering(),
            "a replay is the envelope a live client saw, member for member (timestamp included)");
    }

    [Fact]
    public async Task EpochsAreShortRandomAndPerRoom()
    {
        // The epoch rides on every envelope to every recipient, so it is kept to 12 URL-safe characters.
        var tenant = await LastPositionAsync(TestUser.Member("alice", Org("a"), "t1"));
        var organization = await LastPositionAsync(TestUser.Member("bob", Org("b"), "t1"), scope: "organization");

        foreach (var epoch in new[] { tenant.Epoch, organization.Epoch })
        {
            epoch.Should().MatchRegex("^[A-Za-z0-9_-]{12}$");
        }

        tenant.Epoch.Should().NotBe(organization.Epoch, "each room's history has its own random epoch");
    }

    [Fact]
    public async Task ResumingAtTheLatestPositionReplaysNothingAndRecovers()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var position = await LastPositionAsync(user);
        var back = await ConnectAsync(user, HubProtocolKind.Json, Event);

        var result = await ResumeAsync(back, position);

        ExpectRoom(result.Single(), position.Room, recovered: true, replayed: 0);
        await Sentinel.FlushAsync(Broadcaster, [back]);
        back.Markers(Event).Should().BeEmpty();
    }

    [Fact]
    public async Task MissingMoreThanTheWindowIsNotRecovered()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var position = await LastPositionAsync(user);
        for (var i = 0; i <= Cluster.HistoryWindow; i++)
        {
            await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", $"flood-{i}");
        }

        var back = await ConnectAsync(user, HubProtocolKind.Json, Event);
        var result = await ResumeAsync(back, position);

        ExpectRoom(result.Single(), position.Room, recovered: false, replayed: 0);
        await Sentinel.FlushAsync(Broadcaster, [back]);
        back.Markers(Event).Should().BeEmpty();
    }

    [Fact]
    public async Task AnUnknownEpochIsNotRecovered()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var (room, _, seq) = await LastPositionAsync(user);
        await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "after");
        var back = await ConnectAsync(user, HubProtocolKind.Json, Event);

        var result = await ResumeAsync(back, (room, "not-the-epoch", seq));

        ExpectRoom(result.Single(), room, recovered: false, replayed: 0);
        await Sentinel.FlushAsync(Broadcaster, [back]);
        back.Markers(Event).Should().BeEmpty();
    }

    [Fact]
    public async Task RoomsTheConnectionDoesNotHoldAreRefusedAndNeverJoined()
    {
        string a = Org("a"), b = Org("b");
        var victimTenant = await LastPositionAsync(TestUser.Member("bob", b, "t1"));
        var victimOrganization = await LastPositionAsync(TestUser.Member("bob", b, "t1"), scope: "organization");
        var victimUser = await LastPositionAsync(TestUser.Member("bob", b, "t1"), scope: "user");
        await Broadcaster.BroadcastToTenantAsync(b, "t1", Event, "updated", "secret-tenant");
        await Broadcaster.BroadcastToOrganizationAsync(b, Event, "updated", "secret-organization");
        var mallory = await ConnectAsync(TestUser.Admin("mallory", a, "t1"), HubProtocolKind.Json, Event);

        var result = await ResumeAsync(mallory, victimTenant with { Seq = 0 }, victimOrganization with { Seq = 0 }, victimUser with { Seq = 0 }, ($"tenant:{a}:t1:x", victimTenant.Epoch, 0));

        result.Should().HaveCount(4).And.OnlyContain(r => Equals(r["recovered"], false) && Equals(r["error"], "forbidden") && Equals(r["replayed"], 0L));
        await Broadcaster.BroadcastToTenantAsync(b, "t1", Event, "updated", "later-tenant");
        await Broadcaster.BroadcastToOrganizationAsync(b, Event, "updated", "later-organization");
        await Sentinel.FlushAsync(Broadcaster, [mallory]);
        mallory.Markers(Event).Should().BeEmpty("Resume neither replays nor joins a room the identity does not grant");
    }

    [Fact]
    public async Task AnAdminResumesTheTenantRoomsOfItsOrganization()
    {
        var admin = TestUser.Admin("ada", Org("a"));
        var position = await LastPositionAsync(admin);
        await Broadcaster.BroadcastToTenantAsync(admin.OrganizationId, "t1", Event, "updated", "while-away");
        var back = await ConnectAsync(admin, HubProtocolKind.Json, Event);

        var result = await ResumeAsync(back, position);

        ExpectRoom(result.Single(), position.Room, recovered: true, replayed: 1);
        await back.WaitForAsync(Event, m => m.String("data") == "while-away");
        back.Markers(Event).Should().Equal("while-away");
    }

    [Fact]
    public async Task SequenceNumbersArePerRoomAndWithoutGaps()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var client = await ConnectAsync(user, HubProtocolKind.Json, Event);
        for (var i = 0; i < 10; i++)
        {
            await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", $"t-{i}");
            await Broadcaster.BroadcastToOrganizationAsync(user.OrganizationId, Event, "updated", $"o-{i}");
        }

        await Sentinel.FlushAsync(Broadcaster, [client]);
        foreach (var room in new[] { $"tenant:{user.OrganizationId}:t1", $"org:{user.OrganizationId}" })
        {
            client.Received.Where(m => m.EventName == Event && m.String("room") == room).Select(m => (long)m["seq"]!)
                .Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i), $"room {room} counts 1, 2, 3, … on its own");
        }
    }

    [Theory]
    [InlineData("""{"positions":"all"}""")]
    [InlineData("""{"positions":[{"room":"all","epoch":"e"}]}""")]
    [InlineData("""{"positions":[{"room":"all","epoch":"e","seq":-1}]}""")]
    [InlineData("""{"positions":[{"room":"all","epoch":"e","seq":"7"}]}""")]
    [InlineData("""{"positions":[{"room":"","epoch":"e","seq":1}]}""")]
    [InlineData("""{"positions":[{"room":"all","epoch":null,"seq":1}]}""")]
    [InlineData("""{"positions":[42]}""")]
    public async Task MalformedResumeRequestsAreInvalidArguments(string json)
    {
        var client = await ConnectAsync(TestUser.Member("alice", Org("a"), "t1"));

        var resume = () => client.InvokeAsync("Resume", System.Text.Json.JsonDocument.Parse(json).RootElement);

        (await resume.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: ");
    }

    private static void ExpectRoom(IReadOnlyDictionary<string, object?> result, string room, bool recovered, long replayed, string? error = null) =>
        result.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["room"] = room,
            ["recovered"] = recovered,
            ["replayed"] = replayed,
            ["error"] = error,
        });

    /// <summary>Connects, receives one broadcast of the scope, and returns the position it leaves the client at.</summary>
    private async Task<RoomCursor> LastPositionAsync(TestUser user, HubProtocolKind protocol = HubProtocolKind.Json, string scope = "tenant")
    {
        var client = await ConnectAsync(user, protocol, Event);
        var marker = "position-" + Guid.NewGuid().ToString("N");
        _ = scope switch
        {
            "organization" => await Broadcaster.BroadcastToOrganizationAsync(user.OrganizationId, Event, "updated", marker),
            "user" => await Broadcaster.BroadcastToUserAsync(user.OrganizationId, user.UserId, Event, "updated", marker),
            _ => await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, user.TenantId ?? "t1", Event, "updated", marker),
        };
        var received = await client.WaitForAsync(Event, m => m.String("data") == marker);
        await client.Connection.StopAsync();
        return new RoomCursor(received.String("room")!, received.String("epoch")!, (long)received["seq"]!);
    }

    private static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ResumeAsync(RealtimeClient client, params RoomCursor[] positions)
    {
        var result = await client.InvokeAsync("Resume", new { positions = positions.Select(p => new { room = p.Room, epoch = p.Epoch, seq = p.Seq }).ToArray() });
        return ((IEnumerable<object?>)result["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
    }

    /// <summary>A client's place in one room's history.</summary>
    protected sealed record RoomCursor(string Room, string Epoch, long Seq)
    {
        public static implicit operator RoomCursor((string Room, string Epoch, long Seq) value) => new(value.Room, value.Epoch, value.Seq);
    }
}
