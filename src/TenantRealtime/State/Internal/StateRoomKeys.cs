using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Which rooms have state and where their changes go, from <see cref="RoomNames"/>: <c>all</c>, <c>org:</c>,
/// <c>tenant:</c> (also to the organization's admins, as a tenant broadcast), <c>user:</c> and the topics (their
/// subscribers only); <c>org-admins:</c> has none.
/// </summary>
internal static class StateRoomKeys
{
    public static string KeyOf(StateRoom room) => room.Scope switch
    {
        BroadcastScope.All => RoomNames.All,
        BroadcastScope.Organization => RoomNames.Organization(room.OrganizationId!),
        BroadcastScope.Tenant => RoomNames.Tenant(room.OrganizationId!, room.TenantId!),
        BroadcastScope.User => RoomNames.User(room.OrganizationId!, room.UserId!),
        BroadcastScope.Topic when room.TenantId is null => RoomNames.OrganizationTopic(room.OrganizationId!, room.TopicName!),
        BroadcastScope.Topic => RoomNames.TenantTopic(room.OrganizationId!, room.TenantId!, room.TopicName!),
        _ => throw new ArgumentOutOfRangeException(nameof(room), room.Scope, "Unknown state room."),
    };

    /// <summary>The room a key names (one <see cref="HasState"/> accepts): the inverse of <see cref="KeyOf"/>.</summary>
    public static StateRoom RoomOf(string room)
    {
        if (room == RoomNames.All)
        {
            return StateRoom.All;
        }

        if (room.StartsWith(RoomNames.OrganizationPrefix, StringComparison.Ordinal))
        {
            return StateRoom.Organization(room[RoomNames.OrganizationPrefix.Length..]);
        }

        // Ids hold no ':' (the id rule), so the organization ends at the first one after the prefix; a topic's name is last.
        if (room.StartsWith(RoomNames.OrganizationTopicPrefix, StringComparison.Ordinal))
        {
            var topic = room[RoomNames.OrganizationTopicPrefix.Length..];
            var end = topic.IndexOf(':', StringComparison.Ordinal);
            return StateRoom.OfTopic(Topic.InOrganization(topic[..end], topic[(end + 1)..]));
        }

        if (room.StartsWith(RoomNames.TenantTopicPrefix, StringComparison.Ordinal))
        {
            var topic = room[RoomNames.TenantTopicPrefix.Length..];
            var organizationEnd = topic.IndexOf(':', StringComparison.Ordinal);
            var tenantEnd = topic.IndexOf(':', organizationEnd + 1);
            return StateRoom.OfTopic(Topic.InTenant(topic[..organizationEnd], topic[(organizationEnd + 1)..tenantEnd], topic[(tenantEnd + 1)..]));
        }

        var tenant = room.StartsWith(RoomNames.TenantPrefix, StringComparison.Ordinal);
        var rest = room[(tenant ? RoomNames.TenantPrefix : RoomNames.UserPrefix).Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return tenant ? StateRoom.Tenant(rest[..colon], rest[(colon + 1)..]) : StateRoom.User(rest[..colon], rest[(colon + 1)..]);
    }

    public static bool HasState(string room) =>
        room == RoomNames.All || room.StartsWith(RoomNames.OrganizationPrefix, StringComparison.Ordinal)
        || room.StartsWith(RoomNames.TenantPrefix, StringComparison.Ordinal) || room.StartsWith(RoomNames.UserPrefix, StringComparison.Ordinal)
        || RoomNames.IsTopic(room);

    /// <summary>The groups a room's changes go to: null for every connection.</summary>
    public static IReadOnlyList<string>? GroupsOf(string room)
    {
        if (room == RoomNames.All)
        {
            return null;
        }

        if (room.StartsWith(RoomNames.TenantPrefix, StringComparison.Ordinal) && RoomNames.OrganizationOf(room) is { } organizationId)
        {
            var tenantId = room[(RoomNames.TenantPrefix.Length + organizationId.Length + 1)..];
            return RoomNames.TenantBroadcast(organizationId, tenantId);
        }

        return [room];
    }

    /// <summary>The state rooms of a connection holding <paramref name="rooms"/>: <c>all</c> and each room but the admins'.</summary>
    public static List<string> HeldBy(IReadOnlyList<TenantRoom> rooms)
    {
        var held = new List<string>(rooms.Count + 1) { RoomNames.All };
        foreach (var room in rooms)
        {
            if (room.Kind != TenantRoomKind.OrganizationAdmins && !held.Contains(room.Name))
            {
                held.Add(room.Name);
            }
        }

        return held;
    }

    /// <summary>The <c>tenantrealtime.scope</c> tag of a room: never its ids.</summary>
    public static string ScopeOf(string room) =>
        room == RoomNames.All ? TenantRealtimeWire.Scopes.All
        : room.StartsWith(RoomNames.TenantPrefix, StringComparison.Ordinal) ? TenantRealtimeWire.Scopes.Tenant
        : room.StartsWith(RoomNames.UserPrefix, StringComparison.Ordinal) ? TenantRealtimeWire.Scopes.User
        : RoomNames.IsTopic(room) ? TenantRealtimeWire.Scopes.Topic
        : TenantRealtimeWire.Scopes.Organization;
}
