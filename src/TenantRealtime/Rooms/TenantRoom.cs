using TenantRealtime.Identity.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime;

/// <summary>
/// A room a connection can be in, named as the wire contract says (<c>org:{o}</c>, <c>tenant:{o}:{t}</c>,
/// <c>user:{o}:{u}</c>, <c>org-admins:{o}</c>, and the topics <c>topic:{o}:{t}:{topic}</c> and
/// <c>org-topic:{o}:{topic}</c>). Ids are validated on creation and cannot contain the <c>:</c> separator, and a
/// topic name comes last, so room names never collide; tenant, user and topic rooms are keyed by organization too,
/// so equal tenant ids or topic names in two organizations are two rooms.
/// </summary>
public sealed class TenantRoom : IEquatable<TenantRoom>
{
    private TenantRoom(TenantRoomKind kind, string organizationId, string? tenantId, string? userId, string name, string? topic = null)
    {
        Kind = kind;
        OrganizationId = organizationId;
        TenantId = tenantId;
        UserId = userId;
        Name = name;
        Topic = topic;
    }

    /// <summary>Gets the kind of room.</summary>
    public TenantRoomKind Kind { get; }

    /// <summary>Gets the organization the room belongs to.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the tenant of a <see cref="TenantRoomKind.Tenant"/> or <see cref="TenantRoomKind.TenantTopic"/> room; otherwise <see langword="null"/>.</summary>
    public string? TenantId { get; }

    /// <summary>Gets the user of a <see cref="TenantRoomKind.User"/> room; otherwise <see langword="null"/>.</summary>
    public string? UserId { get; }

    /// <summary>Gets the topic name of a <see cref="TenantRoomKind.TenantTopic"/> or <see cref="TenantRoomKind.OrganizationTopic"/> room; otherwise <see langword="null"/>.</summary>
    public string? Topic { get; }

    /// <summary>Gets whether the room is a topic, held only by connections that subscribed to it.</summary>
    public bool IsTopic => Topic is not null;

    /// <summary>Gets the room's name, as clients see it (for example <c>tenant:org-a:tenant-1</c>).</summary>
    public string Name { get; }

    /// <summary>The room of everyone in an organization.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <returns>The <c>org:{organizationId}</c> room.</returns>
    /// <exception cref="ArgumentException">The id is not well-formed (see <see cref="TenantIds"/>).</exception>
    public static TenantRoom Organization(string organizationId)
    {
        Ids.ThrowIfInvalid(organizationId, TenantIds.MaxSupportedLength);
        return new(TenantRoomKind.Organization, organizationId, null, null, RoomNames.Organization(organizationId));
    }

    /// <summary>The room of everyone in one tenant of an organization.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="tenantId">The tenant id.</param>
    /// <returns>The <c>tenant:{organizationId}:{tenantId}</c> room.</returns>
    /// <exception cref="ArgumentException">An id is not well-formed (see <see cref="TenantIds"/>).</exception>
    public static TenantRoom Tenant(string organizationId, string tenantId)
    {
        Ids.ThrowIfInvalid(organizationId, TenantIds.MaxSupportedLength);
        Ids.ThrowIfInvalid(tenantId, TenantIds.MaxSupportedLength);
        return new(TenantRoomKind.Tenant, organizationId, tenantId, null, RoomNames.Tenant(organizationId, tenantId));
    }

    /// <summary>The room of one user's connections.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="userId">The user id.</param>
    /// <returns>The <c>user:{organizationId}:{userId}</c> room.</returns>
    /// <exception cref="ArgumentException">An id is not well-formed (see <see cref="TenantIds"/>).</exception>
    public static TenantRoom User(string organizationId, string userId)
    {
        Ids.ThrowIfInvalid(organizationId, TenantIds.MaxSupportedLength);
        Ids.ThrowIfInvalid(userId, TenantIds.MaxSupportedLength);
        return new(TenantRoomKind.User, organizationId, null, userId, RoomNames.User(organizationId, userId));
    }

    /// <summary>The room of an organization's admins, who receive every tenant broadcast of that organization.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <returns>The <c>org-admins:{organizationId}</c> room.</returns>
    /// <exception cref="ArgumentException">The id is not well-formed (see <see cref="TenantIds"/>).</exception>
    public static TenantRoom OrganizationAdmins(string organizationId)
    {
        Ids.ThrowIfInvalid(organizationId, TenantIds.MaxSupportedLength);
        return new(TenantRoomKind.OrganizationAdmins, organizationId, null, null, RoomNames.OrganizationAdmins(organizationId));
    }

    /// <summary>The room of one topic of a tenant: its subscribers only (not the organization's admins unless they subscribe).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="topic">The topic name (see <see cref="TenantRealtimeWire.TopicFields"/>).</param>
    /// <returns>The <c>topic:{organizationId}:{tenantId}:{topic}</c> room.</returns>
    /// <exception cref="ArgumentException">An id or the topic name is not well-formed.</exception>
    public static TenantRoom TenantTopic(string organizationId, string tenantId, string topic)
    {
        Ids.ThrowIfInvalid(organizationId, TenantIds.MaxSupportedLength);
        Ids.ThrowIfInvalid(tenantId, TenantIds.MaxSupportedLength);
        TopicNames.ThrowIfInvalid(topic, TopicNames.MaxSupportedLength);
        return new(TenantRoomKind.TenantTopic, organizationId, tenantId, null, RoomNames.TenantTopic(organizationId, tenantId, topic), topic);
    }

    /// <summary>The room of one topic of an organization: its subscribers only.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="topic">The topic name (see <see cref="TenantRealtimeWire.TopicFields"/>).</param>
    /// <returns>The <c>org-topic:{organizationId}:{topic}</c> room.</returns>
    /// <exception cref="ArgumentException">The id or the topic name is not well-formed.</exception>
    public static TenantRoom OrganizationTopic(string organizationId, string topic)
    {
        Ids.ThrowIfInvalid(organizationId, TenantIds.MaxSupportedLength);
        TopicNames.ThrowIfInvalid(topic, TopicNames.MaxSupportedLength);
        return new(TenantRoomKind.OrganizationTopic, organizationId, null, null, RoomNames.OrganizationTopic(organizationId, topic), topic);
    }

    /// <inheritdoc />
    public bool Equals(TenantRoom? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TenantRoom);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>Returns the room's <see cref="Name"/>.</summary>
    /// <returns>The room name.</returns>
    public override string ToString() => Name;
}
