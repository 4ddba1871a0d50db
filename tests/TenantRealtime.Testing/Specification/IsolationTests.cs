using FluentAssertions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>A client can never end up in a room its identity does not grant, whatever it sends.</summary>
public abstract class IsolationTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "isolation";
    private const string State = TenantRealtimeWire.Events.State;
    private const string NotHeld = "HubException: forbidden: the connection does not hold that room's state.";

    private ITenantState States => Cluster.Sender.Services.GetRequiredService<ITenantState>();

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
        var subscribe = () => client.InvokeAsync("Subscribe", new { scope = "organization", topic = "ops", organizationId = id });
        var unsubscribe = () => client.InvokeAsync("Unsubscribe", new { topics = new[] { new { scope = "tenant", topic = "ops", tenantId = id } } });

        (await join.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'organizationId'");
        (await authenticate.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'tenantId'");
        (await subscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'organizationId'");
        (await unsubscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("HubException: invalid-argument: 'tenantId'");
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
        { "Subscribe", null },
        { "Subscribe", "incident:1" },
        { "Subscribe", new[] { "incident:1" } },
        { "Subscribe", new { scope = "tenant", topic = 42 } },
        { "Subscribe", new { scope = true, topic = "incident:1" } },
        { "Subscribe", new { topics = "incident:1" } },
        { "Subscribe", new { topics = new[] { "incident:1" } } },
        { "Unsubscribe", 42 },
        { "Unsubscribe", new { scope = "organization", topic = "ops", organizationId = 7 } },
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

    /// <summary>
    /// A member of tenant t1 reads and receives the state of its own rooms only: no other tenant or user of its
    /// organization (also by case or a longer id), no other organization (also one whose id starts with its own), and
    /// no misspelling of its own rooms, whether it asks with <c>GetState</c>, names them in <c>Resume</c> or waits.
    /// </summary>
    [Fact]
    public async Task AMemberNeverReadsNorReceivesAnotherRoomsState()
    {
        string own = Org("a"), other = Org("b"), longer = Org("a-x");
        var user = TestUser.Member("mallory", own, "t1");
        var ownRooms = new[] { "all", $"org:{own}", $"tenant:{own}:t1", $"user:{own}:mallory" };
        StateRoom[] foreign =
        [
            StateRoom.Tenant(own, "t2"), StateRoom.Tenant(own, "T1"), StateRoom.Tenant(own, "t10"),
            StateRoom.User(own, "alice"), StateRoom.User(own, "Mallory"),
            StateRoom.Organization(other), StateRoom.Tenant(other, "t1"), StateRoom.User(other, "mallory"),
            StateRoom.Organization(longer), StateRoom.Tenant(longer, "t1"), StateRoom.User(longer, "mallory"),
        ];
        string[] malformed =
        [
            $"org-admins:{own}", $"ORG:{own}", $"Tenant:{own}:t1", $"org:{own.ToUpperInvariant()}", $"org:{own} ", $" org:{own}",
            $"tenant:{own}:t1 ", $"tenant:{own}:t1:x", $"tenant:{own}", $"tenant:{own}:", $"tenant::t1", "org:", $"user:{own}:mallory:x",
            $"user:{own}:mallory\u0000", "ALL", "all ",
        ];
        await States.SetAsync(StateRoom.Tenant(own, "t1"), "mine", "t1");
        foreach (var room in foreign)
        {
            await States.SetAsync(room, "secret", Key(room));
        }

        var client = await ConnectAsync(user, HubProtocolKind.Json, State);
        await client.InvokeAsync("Authenticate", new { });
        var keys = foreign.Select(Key).Concat(malformed).ToList();
        foreach (var key in keys)
        {
            var read = () => client.InvokeAsync("GetState", new { room = key });
            (await read.Should().ThrowAsync<HubException>($"'{key}' is not its room")).Which.Message.Should().EndWith(NotHeld);
        }

        // Its own tenant room beside them, so a resume that refused every room could not pass.
        var resumed = await client.InvokeAsync("Resume", new
        {
            positions = Array.Empty<object>(),
            states = keys.Append($"tenant:{own}:t1").Select(key => new { room = key, epoch = "e", version = 0L }).ToArray(),
        });
        var results = StateResults(resumed);
        results.Should().HaveCount(keys.Count + 1);
        results.SkipLast(1).Should().AllSatisfy(r => r.Should().Contain("error", "forbidden").And.Contain("replayed", 0L).And.Contain("recovered", false));
        results[^1].Should().Contain("error", null).And.Contain("replayed", 1L);

        // Live: each foreign change, then one of its own room, then the proof that nothing foreign came before it.
        var witnesses = await WitnessesAsync(other, longer);
        foreach (var room in foreign)
        {
            await States.SetAsync(room, "live", Key(room));
        }

        await FlushStateAsync(client, StateRoom.Tenant(own, "t1"), witnesses, foreign.Where(r => r.OrganizationId != own));
        client.Received.Where(m => m.EventName == State).Select(m => m.String("room")).Should().OnlyContain(room => ownRooms.Contains(room), "only its own rooms' state reaches it");
    }

    /// <summary>An organization's admin reads any tenant's state of its organization, and never another organization's.</summary>
    [Fact]
    public async Task AnOrganizationAdminReadsItsTenantsStateButNeverAnotherOrganizations()
    {
        string own = Org("a"), other = Org("b"), longer = Org("a-x");
        var admin = await ConnectAsync(TestUser.Admin("ada", own), HubProtocolKind.Json, State);
        StateRoom[] tenants = [StateRoom.Tenant(own, "t1"), StateRoom.Tenant(own, "t2")];
        StateRoom[] foreign = [StateRoom.Tenant(other, "t1"), StateRoom.Organization(other), StateRoom.Tenant(longer, "t1"), StateRoom.Organization(longer), StateRoom.User(own, "bob")];
        string[] malformed = [$"org-admins:{own}", $"TENANT:{own}:t1", $"tenant:{own}:t1 ", $"tenant:{own}: t1", $"tenant:{own}:t1:x", $"tenant:{own.ToUpperInvariant()}:t1", $"tenant:{own}-x:t1 "];
        foreach (var room in tenants.Concat(foreign))
        {
            await States.SetAsync(room, "secret", Key(room));
        }

        await admin.InvokeAsync("Authenticate", new { });

        // Its tenants: one read with GetState, one named in Resume; each arrives whole.
        var read = await admin.InvokeAsync("GetState", new { room = Key(tenants[0]) });
        read.Should().Contain("room", Key(tenants[0])).And.Contain("version", 1L);
        var resumed = await admin.InvokeAsync("Resume", new
        {
            positions = Array.Empty<object>(),
            states = foreign.Select(Key).Concat(malformed).Prepend(Key(tenants[1])).Select(key => new { room = key, epoch = "e", version = 0L }).ToArray(),
        });
        var results = StateResults(resumed);
        results[0].Should().Contain("room", Key(tenants[1])).And.Contain("error", null).And.Contain("replayed", 1L);
        results.Skip(1).Should().HaveCount(foreign.Length + malformed.Length).And.AllSatisfy(r => r.Should().Contain("error", "forbidden").And.Contain("replayed", 0L));
        foreach (var tenant in tenants)
        {
            var whole = await admin.WaitForAsync(State, m => m.String("room") == Key(tenant) && Equals(m["full"], true));
            ((IReadOnlyDictionary<string, object?>)whole["set"]!).Should().Contain("secret", Key(tenant));
        }

        foreach (var key in foreign.Select(Key).Concat(malformed))
        {
            var refused = () => admin.InvokeAsync("GetState", new { room = key });
            (await refused.Should().ThrowAsync<HubException>($"'{key}' is not a room of {own}")).Which.Message.Should().EndWith(NotHeld);
        }

        // Live: its tenants' changes arrive (through org-admins), no foreign one does.
        var witnesses = await WitnessesAsync(other, longer);
        foreach (var room in foreign)
        {
            await States.SetAsync(room, "live", Key(room));
        }

        foreach (var tenant in tenants)
        {
            await States.SetAsync(tenant, "live", Key(tenant));
            await admin.WaitForAsync(State, m => m.String("room") == Key(tenant) && m["set"] is IReadOnlyDictionary<string, object?> set && set.ContainsKey("live"));
        }

        await FlushStateAsync(admin, StateRoom.Organization(own), witnesses, foreign.Where(r => r.OrganizationId != own));
        var ownRooms = new[] { "all", $"org:{own}", $"user:{own}:ada" }.Concat(tenants.Select(Key));
        admin.Received.Where(m => m.EventName == State).Select(m => m.String("room")).Should().OnlyContain(room => ownRooms.Contains(room));
    }

    /// <summary>After <c>LeaveOrganization</c>, a platform admin can neither read an organization's state nor receive its changes.</summary>
    [Fact]
    public async Task APlatformAdminThatLeftAnOrganizationNoLongerReadsNorReceivesItsState()
    {
        string home = Org("p"), other = Org("b");
        StateRoom[] rooms = [StateRoom.Organization(other), StateRoom.Tenant(other, "t1")];
        foreach (var room in rooms)
        {
            await States.SetAsync(room, "secret", Key(room));
        }

        var admin = await ConnectAsync(TestUser.PlatformAdmin("pat", home), HubProtocolKind.Json, State);
        await admin.InvokeAsync("Authenticate", new { });
        await admin.InvokeAsync("JoinOrganization", new { organizationId = other });
        foreach (var room in rooms)
        {
            await admin.InvokeAsync("GetState", new { room = Key(room) });
        }

        // While joined it reads and receives them: the test below would pass vacuously otherwise.
        var witnesses = await WitnessesAsync(other);
        await States.SetAsync(rooms[1], "joined", "1");
        await admin.WaitForAsync(State, m => m.String("room") == Key(rooms[1]) && m["set"] is IReadOnlyDictionary<string, object?> set && set.ContainsKey("joined"));
        await admin.InvokeAsync("LeaveOrganization", new { organizationId = other });
        var before = admin.Received.Count(m => m.EventName == State);

        foreach (var room in rooms)
        {
            var read = () => admin.InvokeAsync("GetState", new { room = Key(room) });
            (await read.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(NotHeld);
        }

        var resumed = await admin.InvokeAsync("Resume", new { positions = Array.Empty<object>(), states = rooms.Select(r => new { room = Key(r), epoch = "e", version = 0L }).ToArray() });
        StateResults(resumed).Should().AllSatisfy(r => r.Should().Contain("error", "forbidden"));
        foreach (var room in rooms)
        {
            await States.SetAsync(room, "live", Key(room));
        }

        await FlushStateAsync(admin, StateRoom.Organization(home), witnesses, rooms);
        admin.Received.Where(m => m.EventName == State).Skip(before).Select(m => m.String("room")).Should().Equal([$"org:{home}"], "only the flush of its own organization came after it left");
    }

    /// <summary>
    /// Clients that read the state of <paramref name="organizations"/>: on Redis each organization's changes travel on
    /// its own channel, so a foreign change is proven handled on the receiver only once a client that holds it has it.
    /// Each is an admin of tenant t1 named mallory, so it holds the organization, t1 and mallory's user room.
    /// </summary>
    private async Task<Dictionary<string, RealtimeClient>> WitnessesAsync(params string[] organizations)
    {
        var witnesses = new Dictionary<string, RealtimeClient>();
        foreach (var organization in organizations)
        {
            var witness = await ConnectAsync(TestUser.Admin("mallory", organization, "t1"), HubProtocolKind.Json, State);
            await witness.InvokeAsync("Authenticate", new { });
            witnesses[organization] = witness;
        }

        return witnesses;
    }

    /// <summary>
    /// Proves that no foreign change reached <paramref name="client"/>: waits until each of <paramref name="witnessed"/>'s
    /// <c>live</c> changes reached its organization's witness (so the receiver sent it wherever it would go), then sets a
    /// change of the client's own room and waits for it. Foreign rooms of the client's own organization need no
    /// witness: they share its channel, and the client's queue is in send order.
    /// </summary>
    private async Task FlushStateAsync(RealtimeClient client, StateRoom own, Dictionary<string, RealtimeClient> witnesses, IEnumerable<StateRoom> witnessed)
    {
        foreach (var room in witnessed)
        {
            await witnesses[room.OrganizationId!].WaitForAsync(State, m => m.String("room") == Key(room) && m["set"] is IReadOnlyDictionary<string, object?> set && set.ContainsKey("live"));
        }

        var marker = Guid.NewGuid().ToString("N");
        await States.SetAsync(own, marker, "flush");
        await client.WaitForAsync(State, m => m.String("room") == Key(own) && m["set"] is IReadOnlyDictionary<string, object?> set && set.ContainsKey(marker));
    }

    private static string Key(StateRoom room) => room.Scope switch
    {
        BroadcastScope.All => "all",
        BroadcastScope.Organization => $"org:{room.OrganizationId}",
        BroadcastScope.Tenant => $"tenant:{room.OrganizationId}:{room.TenantId}",
        _ => $"user:{room.OrganizationId}:{room.UserId}",
    };

    private static List<IReadOnlyDictionary<string, object?>> StateResults(IReadOnlyDictionary<string, object?> resumed) =>
        [.. ((IEnumerable<object?>)resumed["states"]!).Cast<IReadOnlyDictionary<string, object?>>()];
}
