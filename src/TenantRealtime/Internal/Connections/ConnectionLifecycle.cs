using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Internal.Hubs;
using TenantRealtime.Internal.Identity;
using TenantRealtime.Internal.Rooms;

namespace TenantRealtime.Internal.Connections;

/// <summary>Connect: authenticate, resolve rooms, join them, count. Disconnect: forget and uncount.</summary>
internal sealed class ConnectionLifecycle(
    IAuthenticator authenticator,
    IRoomResolver resolver,
    RoomMembership membership,
    LocalConnectionStore store,
    IConnectionRegistry registry,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILogger<ConnectionLifecycle> logger)
{
    public async Task ConnectAsync(HubCallerContext context)
    {
        var cancellationToken = context.ConnectionAborted;
        var user = context.User ?? new System.Security.Claims.ClaimsPrincipal();
        if (user.Identity?.IsAuthenticated != true)
        {
            if (!options.CurrentValue.AllowAnonymous)
            {
                throw Refuse(context.ConnectionId, "the connection has no authenticated user.");
            }

            await TrackAsync(new ConnectionState(context, identity: null), cancellationToken).ConfigureAwait(false);
            TenantRealtimeLog.AnonymousConnected(logger, context.ConnectionId);
            return;
        }

        var identity = await AuthenticateAsync(context, request: null, cancellationToken).ConfigureAwait(false);
        var state = new ConnectionState(context, identity);
        var rooms = await resolver.GetInitialRoomsAsync(identity, cancellationToken).ConfigureAwait(false);
        await membership.SetAsync(state, rooms, cancellationToken).ConfigureAwait(false);
        await TrackAsync(state, cancellationToken).ConfigureAwait(false);
        TenantRealtimeLog.ConnectionAuthenticated(logger, context.ConnectionId, identity.UserId, identity.OrganizationId, identity.TenantId, identity.Role);
    }

    public async Task DisconnectAsync(HubCallerContext context)
    {
        // SignalR removes the connection from its groups itself; we forget it and stop counting it.
        if (store.Remove(context.ConnectionId, out var state))
        {
            await registry.RemoveAsync(state!.Registration, CancellationToken.None).ConfigureAwait(false);
        }

        TenantRealtimeLog.Disconnected(logger, context.ConnectionId);
    }

    /// <summary>Runs the authenticator and checks the identity it returns; throws <c>unauthenticated</c> on refusal.</summary>
    public async Task<TenantIdentity> AuthenticateAsync(HubCallerContext context, AuthenticateRequest? request, CancellationToken cancellationToken)
    {
        var user = context.User ?? new System.Security.Claims.ClaimsPrincipal();
        var result = await authenticator
            .AuthenticateAsync(new AuthenticationContext(context.ConnectionId, user, context.GetHttpContext(), request), cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Refuse(context.ConnectionId, result.FailureReason);
        }

        var problem = IdentityCheck.FindProblem(result.Identity, options.CurrentValue.MaxIdLength);
        return problem is null ? result.Identity : throw Refuse(context.ConnectionId, problem);
    }

    private async Task TrackAsync(ConnectionState state, CancellationToken cancellationToken)
    {
        state.Attach();
        store.Add(state);
        await registry.AddAsync(state.Registration, cancellationToken).ConfigureAwait(false);
    }

    private HubException Refuse(string connectionId, string reason)
    {
        TenantRealtimeLog.ConnectionRefused(logger, connectionId, reason);
        return HubErrors.Unauthenticated(reason);
    }
}
