using FluentAssertions;
using Microsoft.AspNetCore.SignalR;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>A client can never end up in a room its identity does not grant, whatever it sends.</summary>
public abstract class IsolationTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "isolation";

    [Theory]
    [InlineData(TenantRoles.Member)]
    [InlineData(TenantRoles.Admin)]
    public async Task NonPlatformUserCannotJoinForeignOrganization(string role)
    {
        string a = Org("a"), b = Org("b");
        var client = await ConnectAsync(new TestUser("mallory", a, "t1", role), HubProtocolKind.Json, Event);

        var join = () => client.InvokeAsync("JoinOrganization", new { organizationId = b });

        (await join.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("HubException: forbidden: only a platform admin may join another organization.");
        await Cluster.Sender.Broadcaster.BroadcastToOrganizationAsync(b, Event, "created", "org-b");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(b, "t1", Event, "created", "b-t1");
        await Sentinel.FlushAsync(Cluster.Sender.Broadcaster, [client]);
        client.Markers(Event).Should().BeEmpty();
    }

    [Fact]
    public async Task PlatformAdminJoinsAnyOrganizationAndLeavesIt()
    {
        string b = Org("b");
        var client = await ConnectAsync(TestUser.PlatformAdmin("pat", Org("p")), HubProtocolKind.Json, Event);

        var joined = await client.InvokeAsync("JoinOrganization", new { organizationId = b });
        joined.Should().Contain("success", true).And.Contain("organizationId", b).And.Contain("room", $"org:{b}");
        await Cluster.Sender.Broadcaster.BroadcastToOrganizationAsync(b, Event, "created", "org-b");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(b, "t1", Event, "created", "b-t1");

        // Through b's channel too: on Redis it is not ordered with the global channel or the admin's own organization's.
        await Sentinel.FlushAsync(Cluster.Sender.Broadcaster, [client], joined: [b]);
        client.Markers(Event).Should().BeEquivalentTo("org-b", "b-t1");

        var left = await client.InvokeAsync("LeaveOrganization", new { organizationId = b });
        left.Should().Contain("success", true).And.Contain("organizationId", b);
        await Cluster.Sender.Broadcaster.BroadcastToOrganizationAsync(b, Event, "created", "after-leave");
        await Sentinel.FlushAsync(Cluster.Sender.Broadcaster, [client]);
        client.Markers(Event).Should().NotContain("after-leave");
    }

    [Fact]
    public async Task JoiningOwnOrganizationIsANoOpAndLeavingItIsForbidden()
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var client = await ConnectAsync(user, HubProtocolKind.Json, Event);

        var joined = await client.InvokeAsync("JoinOrganization", new { organizationId = user.OrganizationId });
        joined.Should().Contain("success", true).And.Contain("room", $"org:{user.OrganizationId}");
        var leave = () => client.InvokeAsync("LeaveOrganization", new { organizationId = user.OrganizationId });
        (await leave.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: forbidden: ");
        var leaveForeign = await client.InvokeAsync("LeaveOrganization", new { organizationId = Org("never-joined") });
        leaveForeign.Should().Contain("success", true);

        await Cluster.Sender.Broadcaster.BroadcastToOrganizationAsync(user.OrganizationId, Event, "created", "still-here");
        await client.WaitForAsync(Event, m => m.String("data") == "still-here");
    }

    [Fact]
    public async Task AuthenticateReturnsTheServerSideIdentityAndRooms()
    {
        var user = TestUser.Admin("abe", Org("a"), "t1");
        var client = await ConnectAsync(user);

        var result = await client.InvokeAsync("Authenticate", new { userId = "abe", organizationId = user.OrganizationId });

        result.Should().Contain("success", true).And.Contain("userId", "abe").And.Contain("organizationId", user.OrganizationId)
            .And.Contain("tenantId", "t1").And.Contain("role", TenantRoles.Admin).And.ContainKeys("clientId", "timestamp");
        result["rooms"].Should().BeEquivalentTo(new[]
        {
            $"org:{user.OrganizationId}", $"tenant:{user.OrganizationId}:t1", $"user:{user.OrganizationId}:abe", $"org-admins:{user.OrganizationId}",
        });
        var pushed = await client.WaitForAsync("authenticated");
        pushed.String("clientId").Should().Be((string?)result["clientId"]);
    }

    public static TheoryData<string, object> ForgedAuthenticateRequests => new()
    {
        { "userId", new { userId = "someone-else" } },
        { "organizationId", new { organizationId = "other-org" } },
        { "tenantId", new { tenantId = "t2" } },
        { "userRole", new { userRole = TenantRoles.PlatformAdmin } },
        { "userRole", new { userId = "alice", userRole = TenantRoles.Admin } },
    };

    [Theory]
    [MemberData(nameof(ForgedAuthenticateRequests))]
    public async Task ForgedAuthenticateIsForbiddenAndChangesNoRooms(string field, object forged)
    {
        var user = TestUser.Member("alice", Org("a"), "t1");
        var client = await ConnectAsync(user, HubProtocolKind.Json, Event);

        var authenticate = () => client.InvokeAsync("Authenticate", forged);

        (await authenticate.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain($"HubException: forbidden: '{field}'");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t2", Event, "created", "t2");
        await Cluster.Sender.Broadcaster.BroadcastToOrganizationAsync("other-org", Event, "created", "other-org");
        await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(user.OrganizationId, "t1", Event, "created", "t1");
        await Sentinel.FlushAsync(Cluster.Sender.Broadcaster, [client]);
        client.Markers(Event).Should().Equal("t1");
    }

    public static TheoryData<string> MalformedIds => new()
    {
        "",
        " ",
        "a:b",
        "org:x",
        "a/b",
        "a b",
        "caf\u00e9",
        "a\nb",
        "a\u0000b",
        new string('x', 65),
    };

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public async Task MalformedIdsAreInvalidArgumentsAndTheConnectionStaysUsable(string id)
    {
        var client = await ConnectAsync(TestUser.PlatformAdmin("pat", Org("p")));

        var join = () => client.InvokeAsync("JoinOrganization", new { organizationId = id });
        var authenticate = () => client.InvokeAsync("Authenticate", new { tenantId = id });

        (await join.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'organizationId'");
        (await authenticate.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'tenantId'");
        (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    public static TheoryData<string, object?> WrongTypedArguments => new()
    {
        { "JoinOrganization", null },
        { "JoinOrganization", 42 },
        { "JoinOrganization", "org-a" },
        { "JoinOrganization", new[] { "org-a" } },
        { "JoinOrganization", new { organizationId = 42 } },
        { "JoinOrganization", new { organizationId = new[] { "x" } } },
        { "JoinOrganization", new { organizationId = new { id = "x" } } },
        { "JoinOrganization", new { organizationId = true } },
        { "JoinOrganization", new { other = "x" } },
        { "LeaveOrganization", new { organizationId = 1.5 } },
        { "Authenticate", new { userId = 7 } },
        { "Authenticate", false },
    };

    [Theory]
    [MemberData(nameof(WrongTypedArguments))]
    public async Task WrongTypedArgumentsAreInvalidArguments(string method, object? argument)
    {
        var client = await ConnectAsync(TestUser.Member("alice", Org("a"), "t1"));

        var invoke = () => client.InvokeAsync(method, argument);

        (await invoke.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: ");
        (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task PingAnswersAndSendsPong()
    {
        var client = await ConnectAsync(TestUser.Member("alice", Org("a"), "t1"));

        var result = await client.InvokeAsync("Ping");

        var pong = await client.WaitForAsync("pong");
        pong.String("timestamp").Should().Be((string?)result["timestamp"]);
    }

    public static TheoryData<string, string?, string?, string?> RefusedTokens => new()
    {
        { "no org_id", "alice", null, "t1" },
        { "no sub", null, "org-a", "t1" },
        { "org id with a separator", "alice", "org:a", "t1" },
        { "tenant id with a separator", "alice", "org-a", "t1:x" },
        { "oversized user id", new string('u', 65), "org-a", null },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task TokensWithoutValidIdentityAreClosedAsUnauthenticated(string why, string? userId, string? organizationId, string? tenantId)
    {
        var client = Track(RealtimeClient.Create(Cluster.Receiver.HubUrl, TestJwt.Create(userId, organizationId, tenantId), name: why));

        var error = await client.StartExpectingRefusalAsync();

        error.Should().Contain("unauthenticated: ", because: why);
    }

    [Fact]
    public async Task ConnectionWithoutTokenIsRefusedAtNegotiate()
    {
        var client = Track(RealtimeClient.Create(Cluster.Receiver.HubUrl, token: null));

        var start = client.StartAsync;

        (await start.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
    }
}
