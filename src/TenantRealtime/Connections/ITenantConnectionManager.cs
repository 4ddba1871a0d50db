namespace TenantRealtime;

/// <summary>
/// Revocation. SignalR groups are not a security boundary on their own: when an app removes a user, changes a
/// role or moves a user between tenants, it calls this so live connections follow. With the Redis package these
/// reach every server. A connection that is still connecting when a request is carried out (authenticated, not yet
/// in its rooms) applies it as it completes: a disconnect refuses it, a refresh makes it authenticate again.
/// </summary>
public interface ITenantConnectionManager
{
    /// <summary>Closes every connection of one user.</summary>
    /// <param name="organizationId">The user's organization.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the request has been carried out locally and sent to other servers.</returns>
    Task DisconnectUserAsync(string organizationId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Closes every connection whose identity belongs to one tenant.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the request has been carried out locally and sent to other servers.</returns>
    Task DisconnectTenantAsync(string organizationId, string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-runs the <see cref="IAuthenticator"/> and <see cref="IRoomResolver"/> for every connection of one user and
    /// moves them into the rooms they are now granted (leaving the others). A connection that is no longer
    /// authenticated, or whose identity changed, is closed.
    /// </summary>
    /// <param name="organizationId">The user's organization.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the request has been carried out locally and sent to other servers.</returns>
    Task RefreshUserRoomsAsync(string organizationId, string userId, CancellationToken cancellationToken = default);
}
