using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Tests.Rooms;

public sealed class TopicRoomTests
{
    [Fact]
    public void ATopicIsNamedAsTheContractSays()
    {
        var tenant = Topic.InTenant("org-a", "t1", "incident:42");
        var organization = Topic.InOrganization("org-a", "ops");

        tenant.Room.Name.Should().Be("topic:org-a:t1:incident:42");
        tenant.Room.Kind.Should().Be(TenantRoomKind.TenantTopic);
        tenant.Room.Should().Be(TenantRoom.TenantTopic("org-a", "t1", "incident:42"));
        (tenant.OrganizationId, tenant.TenantId, tenant.Name).Should().Be(("org-a", "t1", "incident:42"));
        tenant.ToString().Should().Be("topic:org-a:t1:incident:42");
        organization.Room.Name.Should().Be("org-topic:org-a:ops");
        organization.Room.Kind.Should().Be(TenantRoomKind.OrganizationTopic);
        organization.TenantId.Should().BeNull();
        default(Topic).ToString().Should().BeEmpty();
    }

    [Fact]
    public void ATopicsRoomMapsBackToTheTopicAndNoOtherRoomDoes()
    {
        var tenant = Topic.InTenant("org-a", "t1", "board:7:cursors");
        var organization = Topic.InOrganization("org-a", "t1:x");

        Topic.Of(tenant.Room).Should().Be(tenant);
        Topic.Of(organization.Room).Should().Be(organization);
        tenant.Room.IsTopic.Should().BeTrue();
        tenant.Room.Topic.Should().Be("board:7:cursors");
        foreach (var room in new[] { TenantRoom.Organization("org-a"), TenantRoom.Tenant("org-a", "t1"), TenantRoom.User("org-a", "u"), TenantRoom.OrganizationAdmins("org-a") })
        {
            Topic.Of(room).Should().BeNull();
            room.IsTopic.Should().BeFalse();
        }
    }

    [Theory]
    [InlineData("org:a", "t1", "x")]
    [InlineData("", "t1", "x")]
    [InlineData("org-a", "t:1", "x")]
    [InlineData("org-a", "t1", "")]
    [InlineData("org-a", "t1", "a::b")]
    [InlineData("org-a", "t1", ":x")]
    [InlineData("org-a", "t1", "x y")]
    public void MalformedIdsOrNamesAreRefused(string organizationId, string tenantId, string name)
    {
        FluentActions.Invoking(() => Topic.InTenant(organizationId, tenantId, name)).Should().Throw<ArgumentException>();
        if (tenantId == "t1")
        {
            FluentActions.Invoking(() => Topic.InOrganization(organizationId, name)).Should().Throw<ArgumentException>();
            FluentActions.Invoking(() => TenantRoom.OrganizationTopic(organizationId, name)).Should().Throw<ArgumentException>();
        }
    }

    [Fact]
    public void ATenantTopicAndAnOrganizationTopicOfTheSameSpellingAreTwoRooms()
    {
        Topic.InTenant("org-a", "t1", "x").Room.Should().NotBe(Topic.InOrganization("org-a", "t1:x").Room);
        Topic.InTenant("org-a", "t1", "x").Room.Should().NotBe(Topic.InTenant("org-b", "t1", "x").Room);
        Topic.InOrganization("org-a", "x").Room.Should().NotBe(Topic.InOrganization("org-b", "x").Room);
    }

    [Fact]
    public void TwoDifferentTopicsOrRoomsNeverGetTheSameName()
    {
        string[] ids = ["a", "b", "a-b", "topic", "org-topic", "org", "tenant"];
        string[] names = ["a", "b", "a:b", "b:a", "topic", "org-topic:a", "a.b"];
        var rooms = new List<TenantRoom>();
        foreach (var o in ids)
        {
            rooms.Add(TenantRoom.Organization(o));
            rooms.Add(TenantRoom.OrganizationAdmins(o));
            foreach (var name in names)
            {
                rooms.Add(TenantRoom.OrganizationTopic(o, name));
            }

            foreach (var t in ids)
            {
                rooms.Add(TenantRoom.Tenant(o, t));
                rooms.Add(TenantRoom.User(o, t));
                rooms.AddRange(names.Select(name => TenantRoom.TenantTopic(o, t, name)));
            }
        }

        rooms.Select(r => r.Name).Should().OnlyHaveUniqueItems();
        rooms.Where(r => r.IsTopic).Select(r => Topic.Of(r)!.Value.Room).Should().Equal(rooms.Where(r => r.IsTopic));
    }

    [Theory]
    [InlineData("topic:org-a:t1:incident:42", "org-a")]
    [InlineData("topic:org-a:t1:x", "org-a")]
    [InlineData("org-topic:org-a:ops", "org-a")]
    [InlineData("org-topic:org-a:t1:x", "org-a")]
    [InlineData("org-admins:org-a", "org-a")]
    [InlineData("tenant:org-a:t1", "org-a")]
    [InlineData("all", null)]
    [InlineData("topic:", null)]
    [InlineData("org-topic:", null)]
    public void OrganizationOfReadsTheOrganizationOfATopicKey(string room, string? organizationId) =>
        RoomNames.OrganizationOf(room).Should().Be(organizationId);

    [Fact]
    public void ATopicIsHeldOnlyWhenSubscribedNotByAdministeringItsOrganization()
    {
        var topic = Topic.InTenant("org-a", "t1", "incident:42");
        TenantRoom[] admin = [TenantRoom.Organization("org-a"), TenantRoom.OrganizationAdmins("org-a"), TenantRoom.User("org-a", "ada")];
        TenantRoom[] subscribed = [TenantRoom.Organization("org-a"), TenantRoom.Tenant("org-a", "t1"), topic.Room];

        RoomNames.IsHeld(topic.Room.Name, admin).Should().BeFalse("org-admins covers tenant rooms, not topics");
        RoomNames.IsHeld("tenant:org-a:t1", admin).Should().BeTrue();
        RoomNames.IsHeld(topic.Room.Name, subscribed).Should().BeTrue();
        RoomNames.IsHeld(Topic.InTenant("org-a", "t1", "incident:43").Room.Name, subscribed).Should().BeFalse();
        RoomNames.IsHeld(Topic.InOrganization("org-a", "t1:incident:42").Room.Name, subscribed).Should().BeFalse();
        RoomNames.IsHeld(Topic.InTenant("org-b", "t1", "incident:42").Room.Name, subscribed).Should().BeFalse();
        RoomNames.IsTopic(topic.Room.Name).Should().BeTrue();
        RoomNames.IsTopic("org-topic:org-a:x").Should().BeTrue();
        RoomNames.IsTopic("tenant:org-a:t1").Should().BeFalse();
    }
}
