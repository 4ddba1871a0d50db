namespace TenantRealtime;

/// <summary>
/// Who is online in an organization or one of its tenants, as users: never connections. Available when
/// <see cref="TenantRealtimeOptions.EnablePresence"/> is set. In memory it sees this server's connections; with the
/// Redis package, every server's (built on the same per-server shares and heartbeat as <see cref="IConnectionRegistry"/>).
/// </summary>
/// <remarks>
/// A user is online from its first connection until its last one has been gone for
/// <see cref="TenantRealtimeOptions.PresenceDebounce"/>, so a reconnect does not make it blink. This service answers
/// the server's own questions and does no authorization: the hub's <c>GetPresence</c> does, for clients.
/// </remarks>
public interface IPresence
{
    /// <summary>Reads who is online in an organization, or in one tenant of it.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="tenantId">A tenant of <paramref name="organizationId"/>, or <see langword="null"/> for the whole organization.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// The scope's online users, ordered by when they came online; counts only when more than
    /// <see cref="TenantRealtimeOptions.MaxPresenceListSize"/> are online.
    /// </returns>
    /// <exception cref="InvalidOperationException">Presence is not enabled.</exception>
    /// <exception cref="ArgumentException">An id is malformed.</exception>
    /// <exception cref="TenantRealtimeUnavailableException">
    /// With the Redis package, Redis is down or did not answer within its <c>RedisWaitTimeout</c>: the other servers'
    /// users cannot be read, and a list without them would be wrong. Retry later.
    /// </exception>
    ValueTask<PresenceSnapshot> GetAsync(string organizationId, string? tenantId = null, CancellationToken cancellationToken = default);
}
