using FluentAssertions;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Positions at connect: <c>Authenticate</c> (and the <c>authenticated</c> event) tells a connection where each of its
/// rooms stands, and <c>JoinOrganization</c> where the room it joined stands, so a client that receives nothing before
/// it drops can still resume. Broadcasts are issued on <see cref="IRealtimeCluster.Sender"/>, clients connect to
/// <see cref="IRealtimeCluster.Receiver"/>, so over Redis the positions are proven cluster-wide.
/// </summary>
public abstract class PositionTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "position";

    private ITenantBroadcaster Broadcaster => Cluster.Sender.Broadcaster;

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task AuthenticateReturnsTheCurrentPositionOfEveryRoomInTheOrderOfRooms(HubProtocolKind protocol)
    {
        var user = TestUser.Admin("ada", Org("a"), "t1");
        var observer = await ConnectAsync(TestUser.Member("olga", user.OrganizationId, "t1"), protocol, Event);
        await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "t-1");
        await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "t-2");
        await Broadcaster.BroadcastToOrganizationAsync(user.OrganizationId, Event, "updated", "o-1");
        var tenantEpoch = (await observer.WaitForAsync(Event, m => m.String("data") == "t-2")).String("epoch");
        var organizationEpoch = (await observer.WaitForAsync(Event, m => m.String("data") == "o-1")).String("epoch");
        var client = await ConnectAsync(user, protocol, Event);

        var result = await client.InvokeAsync("Authenticate", new { });

        var rooms = ((IEnumerable<object?>)result["rooms"]!).Cast<string>().ToList();
        var positions = PositionsOf(result);
        positions.Select(p => p.Room).Should().Equal(rooms, "one position per room, in the order of rooms");
        var organization = user.OrganizationId;
        positions.Should().ContainEquivalentOf(new Position($"tenant:{organization}:t1", tenantEpoch!, 2));
        positions.Should().ContainEquivalentOf(new Position($"org:{organization}", organizationEpoch!, 1));
        positions.Where(p => p.Room.StartsWith("user:", StringComparison.Ordinal) || p.Room.StartsWith("org-admins:", StringComparison.Ordinal))
            .Should().HaveCount(2).And.OnlyContain(p => p.Seq == 0, "nothing was broadcast to those rooms yet");
        positions.Should().OnlyContain(p => p.Epoch.Length > 0);

        var pushed = await client.WaitForAsync("authenticated");
        PositionsOf(pushed.Fields).Should().Equal(positions, "the authenticated event carries the same result");

        await Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", "t-3");
        var live = await client.WaitForAsync(Event, m => m.String("data") == "t-3");
        (live.String("epoch"), (long)live["seq"]!).Should().Be((tenantEpoch, 3L), "the next broadcast follows the position");
    }

    [Fact]
    public async Task ARoomWithNoHistoryGetsSeqZeroAndAResumeFromItRecoversEveryBroadcastSince()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var first = await ConnectAsync(user, HubProtocolKind.Json, Event);
        var positions = PositionsOf(await first.InvokeAsync("Authenticate", new { }));
        await first.Connection.StopAsync();

        positions.Should().HaveCount(3).And.OnlyContain(p => p.Seq == 0, "the organization is new: no room has a history yet");
        var tenant = positions.Single(p => p.Room == $"tenant:{user.OrganizationId}:t1");
        var missed = new[] { "m-1", "m-2", "m-3" };
        foreach (var marker in missed)
        {
            await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", marker);
        }

        var back = await ConnectAsync(user, HubProtocolKind.Json, Event);
        var resumed = await ResumeAsync(back, tenant);

        resumed.Should().BeEquivalentTo(new Dictionary<string, object?> { ["room"] = tenant.Room, ["recovered"] = true, ["replayed"] = 3L, ["error"] = null });
        await back.WaitForAsync(Event, m => m.String("data") == missed[^1]);
        back.Markers(Event).Should().Equal(missed);
        back.Received.Where(m => m.EventName == Event).Should().OnlyContain(m => m.String("epoch") == tenant.Epoch, "the position's epoch is the one the broadcasts were numbered in");
    }

    [Fact]
    public async Task APositionReadOnOneServerResumesOnAnother()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "before");
        var onSender = Track(await RealtimeClient.ConnectAsync(Cluster.Sender.HubUrl, user, HubProtocolKind.Json, Event));
        var tenant = PositionsOf(await onSender.InvokeAsync("Authenticate", new { })).Single(p => p.Room.StartsWith("tenant:", StringComparison.Ordinal));
        await onSender.Connection.StopAsync();
        await Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "updated", "while-away");

        var onReceiver = await ConnectAsync(user, HubProtocolKind.Json, Event);
        var resumed = await ResumeAsync(onReceiver, tenant);

        tenant.Seq.Should().Be(1);
        resumed["recovered"].Should().Be(true);
        resumed["replayed"].Should().Be(1L);
        await onReceiver.WaitForAsync(Event, m => m.String("data") == "while-away");
        onReceiver.Markers(Event).Should().Equal("while-away");
    }

    [Fact]
    public async Task JoinOrganizationReturnsThePositionOfTheRoomJoined()
    {
        string home = Org("home"), other = Org("other");
        await Broadcaster.BroadcastToOrganizationAsync(other, Event, "updated", "o-1");
        await Broadcaster.BroadcastToOrganizationAsync(other, Event, "updated", "o-2");
        var admin = await ConnectAsync(TestUser.PlatformAdmin("pat", home), HubProtocolKind.MessagePack, Event);

        var joined = await admin.InvokeAsync("JoinOrganization", new { organizationId = other });
        var own = await admin.InvokeAsync("JoinOrganization", new { organizationId = home });

        var position = PositionOf(joined["position"]);
        (position.Room, position.Seq).Should().Be(($"org:{other}", 2L));
        var ownPosition = PositionOf(own["position"]);
        (ownPosition.Room, ownPosition.Seq).Should().Be(($"org:{home}", 0L), "joining one's own organization is a no-op that still reports where it stands");
        await Broadcaster.BroadcastToOrganizationAsync(other, Event, "updated", "o-3");
        var live = await admin.WaitForAsync(Event, m => m.String("data") == "o-3");
        (live.String("epoch"), (long)live["seq"]!).Should().Be((position.Epoch, 3L));
    }

    [Fact]
    public async Task WithRecoveryOffThereAreNoPositions()
    {
        await using var node = await Cluster.StartNodeAsync(o => o.EnableRecovery = false);
        var user = TestUser.Member("alice", Org("a"), "t1");
        var client = Track(await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, Event));

        var authenticated = await client.InvokeAsync("Authenticate", new { });
        var joined = await client.InvokeAsync("JoinOrganization", new { organizationId = user.OrganizationId });

        ((IEnumerable<object?>)authenticated["rooms"]!).Should().HaveCount(3);
        authenticated.Should().ContainKey("positions").WhoseValue.Should().BeAssignableTo<IEnumerable<object?>>().Which.Should().BeEmpty();
        joined.Should().ContainKey("position").WhoseValue.Should().BeNull();
        await client.Connection.StopAsync();
    }

    private static List<Position> PositionsOf(IReadOnlyDictionary<string, object?> result) =>
        [.. ((IEnumerable<object?>)result["positions"]!).Select(PositionOf)];

    private static Position PositionOf(object? value)
    {
        var fields = (IReadOnlyDictionary<string, object?>)value!;
        fields.Keys.Should().BeEquivalentTo(["room", "epoch", "seq"], "a position is spelled {room, epoch, seq} under every protocol");
        return new Position((string)fields["room"]!, (string)fields["epoch"]!, (long)fields["seq"]!);
    }

    private static async Task<IReadOnlyDictionary<string, object?>> ResumeAsync(RealtimeClient client, Position position)
    {
        var result = await client.InvokeAsync("Resume", new { positions = new[] { new { room = position.Room, epoch = position.Epoch, seq = position.Seq } } });
        return ((IEnumerable<object?>)result["rooms"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
    }

    private sealed record Position(string Room, string Epoch, long Seq);
}
