namespace TenantRealtime;

/// <summary>
/// Sends events to connected clients by scope. Each call wraps <c>data</c> in the envelope
/// <c>{type, data, timestamp, scope, organizationId, tenantId, userId}</c>, serializes it once, and sends it
/// through SignalR (across servers when the Redis package is used).
/// </summary>
/// <remarks>
/// Ids are validated (<see cref="TenantIds"/>); a malformed id throws <see cref="ArgumentException"/> before
/// anything is sent. Event names are 1 to 64 characters, starting with a letter, of <c>[A-Za-z0-9_.-]</c>,
/// for example <c>service-update</c>.
/// </remarks>
public interface ITenantBroadcaster
{
    /// <summary>Sends to every connection, anonymous ones included.</summary>
    /// <param name="eventName">The client-side event name, for example <c>service-update</c>.</param>
    /// <param name="type">The envelope <c>type</c>, for example <c>created</c>.</param>
    /// <param name="data">The envelope <c>data</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>What was sent.</returns>
    Task<BroadcastReceipt> BroadcastToAllAsync(string eventName, string type, object? data, CancellationToken cancellationToken = default);

    /// <summary>Sends to everyone in one organization (the <c>org:{organizationId}</c> room).</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="eventName">The client-side event name.</param>
    /// <param name="type">The envelope <c>type</c>.</param>
    /// <param name="data">The envelope <c>data</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>What was sent.</returns>
    Task<BroadcastReceipt> BroadcastToOrganizationAsync(string organizationId, string eventName, string type, object? data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends to one tenant of one organization (the <c>tenant:{organizationId}:{tenantId}</c> room) and to that
    /// organization's admins (<c>org-admins:{organizationId}</c>), each connection once.
    /// </summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="tenantId">The tenant within the organization.</param>
    /// <param name="eventName">The client-side event name.</param>
    /// <param name="type">The envelope <c>type</c>.</param>
    /// <param name="data">The envelope <c>data</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>What was sent.</returns>
    Task<BroadcastReceipt> BroadcastToTenantAsync(string organizationId, string tenantId, string eventName, string type, object? data, CancellationToken cancellationToken = default);

    /// <summary>Sends to every connection of one user (the <c>user:{organizationId}:{userId}</c> room).</summary>
    /// <param name="organizationId">The user's organization.</param>
    /// <param name="userId">The user.</param>
    /// <param name="eventName">The client-side event name.</param>
    /// <param name="type">The envelope <c>type</c>.</param>
    /// <param name="data">The envelope <c>data</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>What was sent.</returns>
    Task<BroadcastReceipt> BroadcastToUserAsync(string organizationId, string userId, string eventName, string type, object? data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends to the subscribers of one topic (its room <c>topic:{o}:{t}:{name}</c> or <c>org-topic:{o}:{name}</c>) and
    /// no one else: not the organization's admins unless they subscribed. Numbered, kept and recovered as every broadcast.
    /// </summary>
    /// <param name="topic">The topic, for example <c>Topic.InTenant("org-a", "t1", "incident:42")</c>.</param>
    /// <param name="eventName">The client-side event name.</param>
    /// <param name="type">The envelope <c>type</c>.</param>
    /// <param name="data">The envelope <c>data</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>What was sent.</returns>
    Task<BroadcastReceipt> BroadcastToTopicAsync(Topic topic, string eventName, string type, object? data, CancellationToken cancellationToken = default);
}
