namespace TenantRealtime;

/// <summary>
/// A room the app defines inside a tenant or an organization (an incident, a document, a board): its broadcasts and
/// state reach only the connections subscribed to it. A client asks for a topic with <c>Subscribe</c>; the server's
/// <see cref="ITopicAuthorizer"/> decides, and only inside organizations the connection holds.
/// </summary>
/// <remarks>
/// A tenant topic's room is <c>topic:{organizationId}:{tenantId}:{name}</c>, an organization topic's
/// <c>org-topic:{organizationId}:{name}</c>: different prefixes and the name last, so no pair of names meets, and two
/// organizations never share a topic.
/// </remarks>
public readonly record struct Topic
{
    // The room is made (and its ids and name checked) once, where the topic is: sends, subscribes and revocation read it often.
    private readonly TenantRoom? _room;

    private Topic(TenantRoom room) =>
        (OrganizationId, TenantId, Name, _room) = (room.OrganizationId, room.TenantId, room.Topic!, room);

    /// <summary>Gets the organization the topic lives in.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the tenant of a tenant topic; <see langword="null"/> for an organization topic.</summary>
    public string? TenantId { get; }

    /// <summary>Gets the topic's name (see <see cref="TopicNames"/>), for example <c>incident:42</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the room of the topic, whose key its envelopes, positions and state carry.</summary>
    /// <exception cref="InvalidOperationException">The topic is <c>default</c>: make one with <see cref="InTenant"/> or <see cref="InOrganization"/>.</exception>
    public TenantRoom Room => _room ?? throw new InvalidOperationException("A default Topic has no room: make one with Topic.InTenant or Topic.InOrganization.");

    /// <summary>A topic of one tenant.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="tenantId">The tenant within it.</param>
    /// <param name="name">The topic's name.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id (<see cref="TenantIds"/>) or the name (<see cref="TopicNames"/>) is not well-formed.</exception>
    public static Topic InTenant(string organizationId, string tenantId, string name) => new(TenantRoom.TenantTopic(organizationId, tenantId, name));

    /// <summary>A topic of one organization.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="name">The topic's name.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">The id (<see cref="TenantIds"/>) or the name (<see cref="TopicNames"/>) is not well-formed.</exception>
    public static Topic InOrganization(string organizationId, string name) => new(TenantRoom.OrganizationTopic(organizationId, name));

    /// <summary>The topic of a topic room, or <see langword="null"/> for any other room.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The topic the room belongs to.</returns>
    public static Topic? Of(TenantRoom room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return room.IsTopic ? new Topic(room) : null;
    }

    /// <summary>Returns the topic's room key.</summary>
    /// <returns>The room key.</returns>
    public override string ToString() => _room?.Name ?? "";
}
