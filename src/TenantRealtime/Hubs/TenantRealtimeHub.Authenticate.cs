using Microsoft.AspNetCore.SignalR;
using TenantRealtime.State.Internal;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;

namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    private const string AuthenticateShape = "{userId?, organizationId?, tenantId?, userRole?}";

    /// <summary>
    /// <c>Authenticate({userId?, organizationId?, tenantId?, userRole?})</c>: confirms who the connection is. Every value
    /// given must match the server-side identity (a cross-organization role may name an organization it joined);
    /// rooms never change here. The result carries each room's current position (see <see cref="PositionsOfAsync"/>), so a
    /// client can resume a room it has not received anything from yet. Before it answers, the connection is sent the
    /// whole state (<c>state</c> events) of every room it holds that has state and that it has not received yet
    /// (see <see cref="SendStateAsync"/>).
    /// </summary>
    public async Task<Dictionary<string, object?>> Authenticate(object? request)
    {
        var argument = Parse(request, nameof(Authenticate), AuthenticateShape);
        var claimed = new AuthenticateRequest(
            ReadId(argument, "userId", nameof(Authenticate)),
            ReadId(argument, "organizationId", nameof(Authenticate)),
            ReadId(argument, "tenantId", nameof(Authenticate)),
            argument.GetString("userRole"));

        var state = RequireIdentity(out var identity);
        var current = await lifecycle.AuthenticateAsync(Context, claimed, Context.ConnectionAborted).ConfigureAwait(false);
        if (current != identity)
        {
            throw Mismatch(identity, "the identity changed since the connection started; reconnect.");
        }

        var organizationId = identity.OrganizationId;
        if (claimed.UserId is not null && !Same(claimed.UserId, identity.UserId))
        {
            throw Mismatch(identity, "'userId' does not match the authenticated user.");
        }

        if (claimed.OrganizationId is not null && !Same(claimed.OrganizationId, identity.OrganizationId))
        {
            var joined = options.CurrentValue.CrossOrganizationRoles.Contains(identity.Role) &&
                state.Rooms.Any(room => Same(room.OrganizationId, claimed.OrganizationId));
            organizationId = joined ? claimed.OrganizationId : throw Mismatch(identity, "'organizationId' does not match the authenticated organization.");
        }

        if (claimed.TenantId is not null && !Same(claimed.TenantId, identity.TenantId))
        {
            throw Mismatch(identity, "'tenantId' does not match the authenticated tenant.");
        }

        if (claimed.UserRole is not null && !Same(claimed.UserRole, identity.Role))
        {
            throw Mismatch(identity, "'userRole' does not match the authenticated role.");
        }

        var rooms = state.Rooms.Select(room => room.Name).Order(StringComparer.Ordinal).ToArray();
        var positions = await PositionsOfAsync(rooms).ConfigureAwait(false);

        // The whole state of every room it holds that it has not received yet, before the answer and any live change.
        await stateSync.RefreshAsync(StateRoomKeys.HeldBy(state.Rooms), Context.ConnectionAborted).ConfigureAwait(false);
        await SendStateAsync((connection, reads) => reads.AddRange(stateReader.StartHeld(connection, state.Rooms))).ConfigureAwait(false);
        var result = new Dictionary<string, object?>
        {
            ["success"] = true,
            ["clientId"] = Context.ConnectionId,
            ["userId"] = identity.UserId,
            ["organizationId"] = organizationId,
            ["tenantId"] = identity.TenantId,
            ["role"] = identity.Role,
            ["rooms"] = rooms,
            [TenantRealtimeWire.ResultFields.Positions] = positions,
            ["timestamp"] = Now(),
        };
        await Clients.Caller.SendAsync(TenantRealtimeWire.Events.Authenticated, result, Context.ConnectionAborted).ConfigureAwait(false);
        return result;
    }


    private HubException Mismatch(TenantIdentity identity, string reason)
    {
        TenantRealtimeLog.AuthenticateMismatch(logger, identity.UserId, identity.OrganizationId, reason);
        metrics.Refused(Operations.Authenticate, TenantRealtimeWire.Errors.Forbidden);
        return HubErrors.Forbidden(reason);
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);
}
