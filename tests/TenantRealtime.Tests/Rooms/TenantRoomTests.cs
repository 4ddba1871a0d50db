namespace TenantRealtime.Tests.Rooms;

public sealed class TenantRoomTests
{
    [Fact]
    public void RoomIsNamedAsTheContractSays()
    {
        TenantRoom.Organization("org-a").Name.Should().Be("org:org-a");
        TenantRoom.Tenant("org-a", "t1").Name.Should().Be("tenant:org-a:t1");
        TenantRoom.User("org-a", "alice").Name.Should().Be("user:org-a:alice");
        TenantRoom.OrganizationAdmins("org-a").Name.Should().Be("org-admins:org-a");
    }

    [Fact]
    public void RoomKeepsEqualTenantIdsOfTwoOrganizationsApart()
    {
        TenantRoom.Tenant("org-a", "t1").Should().NotBe(TenantRoom.Tenant("org-b", "t1"));
        TenantRoom.User("org-a", "u").Should().NotBe(TenantRoom.User("org-b", "u"));
    }

    [Fact]
    public void TwoDifferentRoomsNeverGetTheSameName()
    {
        // Ids that would collide under naive concatenation ("a" + "-b" vs "a-" + "b") and across kinds.
        string[] ids = ["a", "b", "a-b", "a.b", "a_b", "-", ".", "org", "tenant", "user", "org-admins", "admins", "x1"];
        var rooms = new List<TenantRoom>();
        foreach (var o in ids)
        {
            rooms.Add(TenantRoom.Organization(o));
            rooms.Add(TenantRoom.OrganizationAdmins(o));
            foreach (var other in ids)
            {
                rooms.Add(TenantRoom.Tenant(o, other));
                rooms.Add(TenantRoom.User(o, other));
            }
        }

        rooms.Select(r => r.Name).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("\u00e9")]
    public void RoomRefusesIdsThatCouldForgeAName(string id)
    {
        var organization = () => TenantRoom.Organization(id);
        var tenant = () => TenantRoom.Tenant("org-a", id);
        var user = () => TenantRoom.User(id, "alice");

        organization.Should().Throw<ArgumentException>();
        tenant.Should().Throw<ArgumentException>().WithParameterName("tenantId");
        user.Should().Throw<ArgumentException>().WithParameterName("organizationId");
    }

    [Fact]
    public void RoomComparesByName()
    {
        TenantRoom.Tenant("o", "t").Should().Be(TenantRoom.Tenant("o", "t"));
        TenantRoom.Tenant("o", "t").GetHashCode().Should().Be(TenantRoom.Tenant("o", "t").GetHashCode());
        TenantRoom.Tenant("o", "t").ToString().Should().Be("tenant:o:t");
    }
}
