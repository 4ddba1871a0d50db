using Microsoft.Extensions.Options;

namespace TenantRealtime.Rooms.Internal;

/// <summary>The rooms of the wire contract: organization, tenant, user, and organization-admins for admin roles.</summary>
internal sealed class DefaultRoomResolver(IOptionsMonitor<TenantRealtimeOptions> options) : IRoomResolver
{
    public ValueTask<IReadOnlyCollection<TenantRoom>> GetInitialRoomsAsync(TenantIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var rooms = new List<TenantRoom>(4)
        {
            TenantRoom.Organization(identity.OrganizationId),
            TenantRoom.User(identity.OrganizationId, identity.UserId),
        };
        if (identity.TenantId is not null)
        {
            rooms.Add(TenantRoom.Tenant(identity.OrganizationId, identity.TenantId));
        }

        if (options.CurrentValue.AdminRoles.Contains(identity.Role))
        {
            rooms.Add(TenantRoom.OrganizationAdmins(identity.OrganizationId));
        }

        return ValueTask.FromResult<IReadOnlyCollection<TenantRoom>>(rooms);
    }

    public ValueTask<RoomDecision> CanJoinOrganizationAsync(TenantIdentity identity, string organizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var decision = options.CurrentValue.CrossOrganizationRoles.Contains(identity.Role)
            ? RoomDecision.Allow([TenantRoom.Organization(organizationId), TenantRoom.OrganizationAdmins(organizationId)])
            : RoomDecision.Deny("only a platform admin may join another organization.");
        return ValueTask.FromResult(decision);
    }
}
