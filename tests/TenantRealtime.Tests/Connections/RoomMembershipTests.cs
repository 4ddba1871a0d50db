using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Tests.Connections;

/// <summary>The one place a connection's rooms change tells its observers (topic presence), and ends with the connection.</summary>
public sealed class RoomMembershipTests : IAsyncLifetime
{
    private static readonly TenantIdentity Alice = new("alice", "org-a", "t1", TenantRoles.Member);
    private static readonly TenantRoom Viewing = Topic.InTenant("org-a", "t1", "viewing:1").Room;
    private static readonly TenantRoom Plain = Topic.InTenant("org-a", "t1", "plain:1").Room;
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = options => options.TopicPrefixes["viewing:"] = new TopicPrefixOptions { EnablePresence = true },
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ATopicIsCountedWhileHeldAndAChangeAfterTheConnectionEndedDoesNothing()
    {
        var membership = _node.Services.GetRequiredService<RoomMembership>();
        var presence = _node.Services.GetRequiredService<LocalPresence>();
        var state = new ConnectionState(new FakeCallerContext("c1"), Alice);
        var scope = PresenceRoom.OfTopic(Viewing);

        await membership.ChangeAsync(state, held => [.. held, Viewing, Plain], CancellationToken.None);
        presence.Connections(scope, "alice").Should().Be(1);
        presence.Members().Should().Equal([(scope, "alice")], "only the topic whose prefix tracks presence is counted");

        await membership.CloseAsync(state);
        presence.Members().Should().BeEmpty("the end of a connection leaves its topics");
        state.Rooms.Should().BeEmpty();

        // A subscribe that read the connection before it ended, and changes its rooms after.
        await membership.ChangeAsync(state, held => [.. held, Viewing], CancellationToken.None);
        state.Rooms.Should().BeEmpty("an ended connection holds no rooms");
        presence.Members().Should().BeEmpty("nor is it counted in any");
    }
}
