using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

public sealed class StateRoomKeysTests
{
    public static TheoryData<string> Keys => new()
    {
        "all",
        "org:org-a",
        "tenant:org-a:t1",
        "user:org-a:alice",
        "topic:org-a:t1:incident:42",
        "topic:org-a:t1:x",
        "org-topic:org-a:ops",
        "org-topic:org-a:t1:x",
        "org-topic:org-a:board:7:cursors",
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void AKeyAndItsRoomMapToEachOther(string key)
    {
        StateRoomKeys.HasState(key).Should().BeTrue();
        StateRoomKeys.KeyOf(StateRoomKeys.RoomOf(key)).Should().Be(key);
    }

    [Fact]
    public void ATopicsStateRoomIsItsTopicsRoomAndGoesToItsSubscribersOnly()
    {
        var tenant = Topic.InTenant("org-a", "t1", "incident:42");
        var organization = Topic.InOrganization("org-a", "t1:x");

        StateRoomKeys.KeyOf(StateRoom.OfTopic(tenant)).Should().Be(tenant.Room.Name);
        StateRoomKeys.KeyOf(StateRoom.OfTopic(organization)).Should().Be(organization.Room.Name);
        StateRoomKeys.RoomOf(tenant.Room.Name).Should().Be(StateRoom.OfTopic(tenant));
        StateRoomKeys.RoomOf(organization.Room.Name).Should().Be(StateRoom.OfTopic(organization));
        StateRoom.OfTopic(tenant).Scope.Should().Be(BroadcastScope.Topic);
        StateRoom.OfTopic(organization).TopicName.Should().Be("t1:x");
        StateRoomKeys.GroupsOf(tenant.Room.Name).Should().Equal([tenant.Room.Name], "not the organization's admins, as a tenant room's changes");
        StateRoomKeys.GroupsOf(organization.Room.Name).Should().Equal(organization.Room.Name);
        StateRoomKeys.ScopeOf(tenant.Room.Name).Should().Be(TenantRealtimeWire.Scopes.Topic);
        StateRoomKeys.ScopeOf(organization.Room.Name).Should().Be(TenantRealtimeWire.Scopes.Topic);
        StateRoomKeys.HeldBy([TenantRoom.Organization("org-a"), tenant.Room]).Should().Equal("all", "org:org-a", tenant.Room.Name);
    }
}
