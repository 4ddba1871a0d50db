using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// The room whose presence is counted: an organization's (<see cref="TenantId"/> and <see cref="Topic"/> null), one
/// tenant's, or one topic's (<see cref="Topic"/> set; <see cref="TenantId"/> set for a tenant topic). Not a
/// <see cref="BroadcastScope"/>, though the wire spells it as a scope (<see cref="WireName"/>).
/// </summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="TenantId">The tenant, or <see langword="null"/> for the organization (or an organization topic).</param>
/// <param name="Topic">The topic's name, or <see langword="null"/> for an organization or a tenant.</param>
internal readonly record struct PresenceRoom(string OrganizationId, string? TenantId, string? Topic = null)
{
    /// <summary>Gets the envelope's <c>scope</c>: <c>organization</c>, <c>tenant</c> or <c>topic</c>.</summary>
    public string WireName =>
        Topic is not null ? TenantRealtimeWire.Scopes.Topic
        : ScopeNames.Of(TenantId is null ? BroadcastScope.Organization : BroadcastScope.Tenant);

    /// <summary>
    /// The groups the scope's events go to. A topic's go to its subscribers only. A tenant's go where its broadcasts go
    /// (its members and the organization's admins, each connection once). An organization's go to its admins only,
    /// unless the app shares it with members: every member holds <c>org:{o}</c>, so sending there by default would tell
    /// them what only admins may see.
    /// </summary>
    public string[] Groups(bool shareWithMembers) =>
        Topic is { } topic ? [TopicRoomName(topic)]
        : TenantId is { } tenantId ? RoomNames.TenantBroadcast(OrganizationId, tenantId)
        : shareWithMembers ? [RoomNames.Organization(OrganizationId)]
        : [RoomNames.OrganizationAdmins(OrganizationId)];

    /// <summary>The scope of a topic room: its subscribers are counted there.</summary>
    public static PresenceRoom OfTopic(TenantRoom room) => new(room.OrganizationId, room.TenantId, room.Topic);

    /// <summary>The scopes a connection counts in: its organization, and its tenant if it has one.</summary>
    public static IEnumerable<PresenceRoom> Of(string organizationId, string? tenantId)
    {
        yield return new PresenceRoom(organizationId, null);
        if (tenantId is not null)
        {
            yield return new PresenceRoom(organizationId, tenantId);
        }
    }

    private string TopicRoomName(string topic) =>
        TenantId is { } tenantId ? RoomNames.TenantTopic(OrganizationId, tenantId, topic) : RoomNames.OrganizationTopic(OrganizationId, topic);
}
