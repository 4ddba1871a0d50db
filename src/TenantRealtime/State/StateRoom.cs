namespace TenantRealtime;

/// <summary>
/// The room whose state <see cref="ITenantState"/> changes: everyone, one organization, one tenant (also seen by that
/// organization's admins) or one user, as <see cref="ITenantBroadcaster"/> addresses broadcasts. Ids are checked by
/// the call that uses the room (<see cref="TenantIds"/>).
/// </summary>
public readonly record struct StateRoom
{
    private StateRoom(BroadcastScope scope, string? organizationId, string? tenantId, string? userId, string? topicName = null) =>
        (Scope, OrganizationId, TenantId, UserId, TopicName) = (scope, organizationId, tenantId, userId, topicName);

    /// <summary>Gets the state every connection receives (the room <c>all</c>).</summary>
    public static StateRoom All => new(BroadcastScope.All, null, null, null);

    /// <summary>Gets which room kind this is.</summary>
    public BroadcastScope Scope { get; }

    /// <summary>Gets the organization, for organization, tenant and user rooms.</summary>
    public string? OrganizationId { get; }

    /// <summary>Gets the tenant, for a tenant room or a tenant's topic.</summary>
    public string? TenantId { get; }

    /// <summary>Gets the topic's name, for a topic's room (<see cref="BroadcastScope.Topic"/>).</summary>
    public string? TopicName { get; }

    /// <summary>Gets the user, for a user room.</summary>
    public string? UserId { get; }

    /// <summary>The state of everyone in one organization (the room <c>org:{organizationId}</c>).</summary>
    /// <param name="organizationId">The organization.</param>
    /// <returns>The room.</returns>
    public static StateRoom Organization(string organizationId) => new(BroadcastScope.Organization, organizationId, null, null);

    /// <summary>
    /// The state of one tenant (the room <c>tenant:{organizationId}:{tenantId}</c>), which that organization's admins
    /// receive too.
    /// </summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="tenantId">The tenant within it.</param>
    /// <returns>The room.</returns>
    public static StateRoom Tenant(string organizationId, string tenantId) => new(BroadcastScope.Tenant, organizationId, tenantId, null);

    /// <summary>The state of one user's connections (the room <c>user:{organizationId}:{userId}</c>).</summary>
    /// <param name="organizationId">The user's organization.</param>
    /// <param name="userId">The user.</param>
    /// <returns>The room.</returns>
    public static StateRoom User(string organizationId, string userId) => new(BroadcastScope.User, organizationId, null, userId);

    /// <summary>
    /// The state of one topic (the room <c>topic:{o}:{t}:{name}</c> or <c>org-topic:{o}:{name}</c>): its subscribers get
    /// the whole state when they subscribe, and each change live.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <returns>The room.</returns>
    public static StateRoom OfTopic(Topic topic) => new(BroadcastScope.Topic, topic.OrganizationId, topic.TenantId, null, topic.Name);
}
