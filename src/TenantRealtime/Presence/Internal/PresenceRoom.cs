using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// The room whose presence is counted: an organization's (<see cref="TenantId"/> null), or one tenant's. Not a
/// <see cref="BroadcastScope"/>, though the wire spells it as a scope (<see cref="WireName"/>).
/// </summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="TenantId">The tenant, or <see langword="null"/> for the organization.</param>
internal readonly record struct PresenceRoom(string OrganizationId, string? TenantId)
{
    /// <summary>Gets the envelope's <c>scope</c>: <c>organization</c> or <c>tenant</c>.</summary>
    public string WireName => ScopeNames.Of(TenantId is null ? BroadcastScope.Organization : BroadcastScope.Tenant);

    /// <summary>
    /// The groups the scope's events go to. A tenant's go where its broadcasts go (its members and the organization's
    /// admins, each connection once). An organization's go to its admins only, unless the app shares it with members:
    /// every member holds <c>org:{o}</c>, so sending there by default would tell them what only admins may see.
    /// </summary>
    public string[] Groups(bool shareWithMembers) =>
        TenantId is { } tenantId ? RoomNames.TenantBroadcast(OrganizationId, tenantId)
        : shareWithMembers ? [RoomNames.Organization(OrganizationId)]
        : [RoomNames.OrganizationAdmins(OrganizationId)];

    /// <summary>The scopes a connection counts in: its organization, and its tenant if it has one.</summary>
    public static IEnumerable<PresenceRoom> Of(string organizationId, string? tenantId)
    {
        yield return new PresenceRoom(organizationId, null);
        if (tenantId is not null)
        {
            yield return new PresenceRoom(organizationId, tenantId);
        }
    }
}
