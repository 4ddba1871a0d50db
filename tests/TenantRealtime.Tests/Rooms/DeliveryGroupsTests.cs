using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Tests.Rooms;

public sealed class DeliveryGroupsTests
{
    [Fact]
    public void DeliveryGroupsKeepAnAdminOutOfTenantGroupsOfItsAdminOrganization()
    {
        var groups = DeliveryGroups.For([
            TenantRoom.Organization("o"), TenantRoom.Tenant("o", "t1"), TenantRoom.User("o", "abe"), TenantRoom.OrganizationAdmins("o"),
        ]);

        groups.Should().BeEquivalentTo("org:o", "user:o:abe", "org-admins:o");
    }

    [Fact]
    public void DeliveryGroupsKeepAMemberInItsTenantGroup()
    {
        var groups = DeliveryGroups.For([TenantRoom.Organization("o"), TenantRoom.Tenant("o", "t1")]);

        groups.Should().BeEquivalentTo("org:o", "tenant:o:t1");
    }

    [Fact]
    public void DeliveryGroupsKeepTenantGroupsOfOtherOrganizations()
    {
        var groups = DeliveryGroups.For([TenantRoom.OrganizationAdmins("o"), TenantRoom.Tenant("p", "t1")]);

        groups.Should().Contain("tenant:p:t1");
    }

    [Fact]
    public void ATenantBroadcastGoesToTheTenantAndItsOrganizationsAdmins() =>
        RoomNames.TenantBroadcast("o", "t1").Should().Equal("tenant:o:t1", "org-admins:o");
}
