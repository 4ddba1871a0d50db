using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Tests.Rooms;

public sealed class DefaultRoomResolverTests
{
    private static DefaultRoomResolver Resolver(Action<TenantRealtimeOptions>? configure = null)
    {
        var options = new TenantRealtimeOptions();
        configure?.Invoke(options);
        return new DefaultRoomResolver(new StaticOptionsMonitor<TenantRealtimeOptions>(options));
    }

    [Fact]
    public async Task ResolverGivesAMemberItsOrganizationTenantAndUserRooms()
    {
        var rooms = await Resolver().GetInitialRoomsAsync(new TenantIdentity("alice", "org-a", "t1", TenantRoles.Member), default);

        rooms.Select(r => r.Name).Should().BeEquivalentTo("org:org-a", "tenant:org-a:t1", "user:org-a:alice");
    }

    [Fact]
    public async Task ResolverGivesAnAdminTheOrganizationAdminsRoom()
    {
        var rooms = await Resolver().GetInitialRoomsAsync(new TenantIdentity("ada", "org-a", null, TenantRoles.Admin), default);

        rooms.Select(r => r.Name).Should().BeEquivalentTo("org:org-a", "user:org-a:ada", "org-admins:org-a");
    }

    [Fact]
    public async Task ResolverTreatsAnUnknownRoleAsHavingNoPrivileges()
    {
        var rooms = await Resolver().GetInitialRoomsAsync(new TenantIdentity("eve", "org-a", "t1", "superuser"), default);

        rooms.Should().NotContain(r => r.Kind == TenantRoomKind.OrganizationAdmins);
    }

    [Theory]
    [InlineData(TenantRoles.Member, false)]
    [InlineData(TenantRoles.Admin, false)]
    [InlineData(TenantRoles.PlatformAdmin, true)]
    public async Task ResolverLetsOnlyCrossOrganizationRolesJoinAnotherOrganization(string role, bool allowed)
    {
        var decision = await Resolver().CanJoinOrganizationAsync(new TenantIdentity("u", "org-a", null, role), "org-b", default);

        decision.Allowed.Should().Be(allowed);
        if (allowed)
        {
            decision.Rooms!.Select(r => r.Name).Should().BeEquivalentTo("org:org-b", "org-admins:org-b");
        }
        else
        {
            decision.Reason.Should().NotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public async Task ResolverFollowsTheConfiguredRoles()
    {
        var resolver = Resolver(o =>
        {
            o.AdminRoles.Add("owner");
            o.CrossOrganizationRoles.Add("owner");
        });

        var rooms = await resolver.GetInitialRoomsAsync(new TenantIdentity("o", "org-a", null, "owner"), default);
        var decision = await resolver.CanJoinOrganizationAsync(new TenantIdentity("o", "org-a", null, "owner"), "org-b", default);

        rooms.Should().Contain(TenantRoom.OrganizationAdmins("org-a"));
        decision.Allowed.Should().BeTrue();
    }
}
