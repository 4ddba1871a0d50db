using Microsoft.AspNetCore.SignalR;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    private const string OrganizationShape = "{organizationId}";

    /// <summary>
    /// <c>JoinOrganization({organizationId})</c> → <c>{success, organizationId, room, position}</c>. One's own organization
    /// is a no-op; another is decided by the <see cref="IRoomResolver"/> (by default: platform admins only), else
    /// <c>forbidden</c>. <c>position</c> is the room's current <c>{room, epoch, seq}</c>, null with recovery off (or when it
    /// cannot be read now).
    /// </summary>
    public async Task<Dictionary<string, object?>> JoinOrganization(object? request)
    {
        var organizationId = ReadOrganizationId(Parse(request, nameof(JoinOrganization), OrganizationShape), nameof(JoinOrganization));
        var state = RequireIdentity(out var identity);
        if (!Same(organizationId, identity.OrganizationId))
        {
            var decision = await resolver.CanJoinOrganizationAsync(identity, organizationId, Context.ConnectionAborted).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                TenantRealtimeLog.JoinRefused(logger, identity.UserId, identity.OrganizationId, organizationId, decision.Reason);
                metrics.Refused(Operations.Join, TenantRealtimeWire.Errors.Forbidden);
                throw HubErrors.Forbidden(decision.Reason);
            }

            var granted = OnlyOf(organizationId, decision.Rooms, identity);
            try
            {
                await membership.ChangeAsync(state, held => held.Concat(granted), Context.ConnectionAborted).ConfigureAwait(false);
            }
            catch (HubException ex)
            {
                TenantRealtimeLog.LimitExceeded(logger, identity.UserId, identity.OrganizationId, ex.Message);
                metrics.Refused(Operations.Join, HubErrors.CodeOf(ex));
                throw;
            }
        }

        var room = RoomNames.Organization(organizationId);
        var positions = await PositionsOfAsync([room]).ConfigureAwait(false);
        return new Dictionary<string, object?>
        {
            ["success"] = true,
            ["organizationId"] = organizationId,
            ["room"] = room,
            [TenantRealtimeWire.ResultFields.Position] = positions.Count > 0 ? positions[0] : null,
        };
    }

    /// <summary>
    /// <c>LeaveOrganization({organizationId})</c> → <c>{success, organizationId}</c>; idempotent. Leaving one's own
    /// organization is <c>forbidden</c>: its rooms come from the identity.
    /// </summary>
    public async Task<Dictionary<string, object?>> LeaveOrganization(object? request)
    {
        var organizationId = ReadOrganizationId(Parse(request, nameof(LeaveOrganization), OrganizationShape), nameof(LeaveOrganization));
        var state = RequireIdentity(out var identity);
        if (Same(organizationId, identity.OrganizationId))
        {
            TenantRealtimeLog.JoinRefused(logger, identity.UserId, identity.OrganizationId, organizationId, "leaving one's own organization");
            metrics.Refused(Operations.Leave, TenantRealtimeWire.Errors.Forbidden);
            throw HubErrors.Forbidden("a connection cannot leave its own organization.");
        }

        await membership.ChangeAsync(
            state,
            held => held.Where(room => !Same(room.OrganizationId, organizationId)),
            Context.ConnectionAborted).ConfigureAwait(false);
        if (delivery.Find(Context.ConnectionId) is { } sender)
        {
            stateReader.Left(sender, organizationId);
        }

        return new Dictionary<string, object?>
        {
            ["success"] = true,
            ["organizationId"] = organizationId,
        };
    }

    /// <summary>A resolver may only grant rooms of the organization asked for; anything else is dropped and logged.</summary>
    private List<TenantRoom> OnlyOf(string organizationId, IEnumerable<TenantRoom> rooms, TenantIdentity identity)
    {
        var granted = new List<TenantRoom>();
        foreach (var room in rooms)
        {
            if (Same(room.OrganizationId, organizationId))
            {
                granted.Add(room);
            }
            else
            {
                TenantRealtimeLog.ForeignRoomIgnored(logger, room.Name, identity.UserId, organizationId);
            }
        }

        return granted;
    }
}
