namespace TenantRealtime;

/// <summary>
/// Decides which rooms an identity is in. The hub calls it on the server; a client never joins a room by
/// naming it. The default gives the rooms of the wire contract and lets only
/// <see cref="TenantRealtimeOptions.CrossOrganizationRoles"/> join other organizations.
/// </summary>
public interface IRoomResolver
{
    /// <summary>The rooms a connection of <paramref name="identity"/> starts in.</summary>
    /// <param name="identity">The authenticated identity.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The rooms; typically the organization, tenant, user and (for admins) organization-admins rooms.</returns>
    ValueTask<IReadOnlyCollection<TenantRoom>> GetInitialRoomsAsync(TenantIdentity identity, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="identity"/> may join another organization, and with which rooms.</summary>
    /// <param name="identity">The authenticated identity.</param>
    /// <param name="organizationId">The validated id of the organization it asks to join (never its own).</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The rooms to join, or a refusal.</returns>
    ValueTask<RoomDecision> CanJoinOrganizationAsync(TenantIdentity identity, string organizationId, CancellationToken cancellationToken);
}
