namespace TenantRealtime.Rooms.Internal;

/// <summary>
/// The one place room names are spelled: the rooms of the wire contract, the key of global broadcasts, the groups a
/// tenant broadcast goes to, and which keys a connection may resume. Callers pass validated ids, which cannot
/// contain ':', so every name maps back to exactly one (kind, ids) tuple.
/// </summary>
internal static class RoomNames
{
    public const string OrganizationPrefix = "org:";
    public const string TenantPrefix = "tenant:";
    public const string UserPrefix = "user:";
    public const string OrganizationAdminsPrefix = "org-admins:";
    public const string TenantTopicPrefix = "topic:";
    public const string OrganizationTopicPrefix = "org-topic:";

    /// <summary>The key of global broadcasts: every connection holds it, and it is no SignalR group.</summary>
    public const string All = "all";

    public static string Organization(string organizationId) => string.Concat(OrganizationPrefix, organizationId);

    public static string Tenant(string organizationId, string tenantId) => string.Concat(TenantPrefix, organizationId, ":", tenantId);

    public static string User(string organizationId, string userId) => string.Concat(UserPrefix, organizationId, ":", userId);

    public static string OrganizationAdmins(string organizationId) => string.Concat(OrganizationAdminsPrefix, organizationId);

    /// <summary>
    /// A tenant's topic: the ids first (they hold no ':'), the topic name last, so the name may hold ':' and the key
    /// still maps back to one (organization, tenant, topic). Another prefix than an organization topic's, so a tenant
    /// topic <c>x</c> of tenant <c>t1</c> and an organization topic <c>t1:x</c> are two rooms.
    /// </summary>
    public static string TenantTopic(string organizationId, string tenantId, string topic) =>
        string.Concat(TenantTopicPrefix, organizationId, ":", tenantId, ":", topic);

    /// <summary>An organization's topic: <c>org-topic:{o}:{topic}</c>.</summary>
    public static string OrganizationTopic(string organizationId, string topic) =>
        string.Concat(OrganizationTopicPrefix, organizationId, ":", topic);

    /// <summary>The topic name of a topic's room key (after its ids), or <see langword="null"/> for any other room.</summary>
    public static string? TopicNameOf(string room)
    {
        // Ids hold no ':', so the name starts after the organization (and, for a tenant's topic, the tenant).
        var ids = room.StartsWith(TenantTopicPrefix, StringComparison.Ordinal) ? 2
            : room.StartsWith(OrganizationTopicPrefix, StringComparison.Ordinal) ? 1
            : 0;
        if (ids == 0)
        {
            return null;
        }

        var at = room.IndexOf(':');
        for (var i = 0; i < ids && at >= 0; i++)
        {
            at = room.IndexOf(':', at + 1);
        }

        return at < 0 ? null : room[(at + 1)..];
    }

    /// <summary>Whether a room key names a topic (of a tenant or of an organization).</summary>
    public static bool IsTopic(string name) =>
        name.StartsWith(TenantTopicPrefix, StringComparison.Ordinal) || name.StartsWith(OrganizationTopicPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The groups a tenant broadcast goes to: the tenant room first (it names the broadcast's history), then the
    /// organization's admins room, which covers every tenant room of it (<see cref="CoversTenantRoomsOf"/>).
    /// </summary>
    public static string[] TenantBroadcast(string organizationId, string tenantId) =>
        [Tenant(organizationId, tenantId), OrganizationAdmins(organizationId)];

    /// <summary>
    /// The organization a room or group belongs to (every one but <see cref="All"/> belongs to exactly one), or
    /// <see langword="null"/> for <see cref="All"/> and names that are not ours. Scale-out shards by it: an
    /// organization's rooms share a Redis hash slot and a channel.
    /// </summary>
    public static string? OrganizationOf(string name)
    {
        var rest = name.StartsWith(OrganizationAdminsPrefix, StringComparison.Ordinal) ? name.AsSpan(OrganizationAdminsPrefix.Length)
            : name.StartsWith(OrganizationTopicPrefix, StringComparison.Ordinal) ? name.AsSpan(OrganizationTopicPrefix.Length)
            : name.StartsWith(TenantTopicPrefix, StringComparison.Ordinal) ? name.AsSpan(TenantTopicPrefix.Length)
            : name.StartsWith(OrganizationPrefix, StringComparison.Ordinal) ? name.AsSpan(OrganizationPrefix.Length)
            : name.StartsWith(TenantPrefix, StringComparison.Ordinal) ? name.AsSpan(TenantPrefix.Length)
            : name.StartsWith(UserPrefix, StringComparison.Ordinal) ? name.AsSpan(UserPrefix.Length)
            : [];
        var end = rest.IndexOf(':');
        var organizationId = end < 0 ? rest : rest[..end];
        return organizationId.IsEmpty ? null : organizationId.ToString();
    }

    /// <summary>
    /// Whether a connection holding <paramref name="rooms"/> receives the broadcasts of <paramref name="room"/>:
    /// a room it holds (a topic only when subscribed), <see cref="All"/>, or a tenant room of an organization it administers.
    /// </summary>
    public static bool IsHeld(string room, IReadOnlyList<TenantRoom> rooms)
    {
        if (room == All || rooms.Any(r => r.Name == room))
        {
            return true;
        }

        if (!room.StartsWith(TenantPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = room.AsSpan(TenantPrefix.Length);
        var separator = rest.IndexOf(':');
        if (separator <= 0)
        {
            return false;
        }

        // Only a well-formed tenant key of an organization the connection administers.
        var organizationId = rest[..separator].ToString();
        if (!TenantIds.IsValid(rest[(separator + 1)..].ToString(), TenantIds.MaxSupportedLength))
        {
            return false;
        }

        return CoversTenantRoomsOf(rooms, organizationId);
    }

    /// <summary>
    /// The one rule between rooms: an organization's admins room covers every tenant room of that organization. So a
    /// tenant broadcast also goes to it (<see cref="TenantBroadcast"/>), a connection holding it is not added to those
    /// tenant groups (<see cref="DeliveryGroups"/>), and it may resume them (<see cref="IsHeld"/>).
    /// </summary>
    public static bool CoversTenantRoomsOf(IReadOnlyCollection<TenantRoom> rooms, string organizationId)
    {
        foreach (var room in rooms)
        {
            if (room.Kind == TenantRoomKind.OrganizationAdmins && string.Equals(room.OrganizationId, organizationId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
