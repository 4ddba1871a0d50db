using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Identity.Internal;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// Connect: authenticate, check limits, resolve and join rooms, count. Disconnect: forget and uncount. Presence is told
/// by the hub once this returns, so connections never depend on presence.
/// </summary>
internal sealed class ConnectionLifecycle(
    IAuthenticator authenticator,
    IRoomResolver resolver,
    RoomMembership membership,
    LocalConnectionStore store,
    IConnectionRegistry registry,
    IConnectionCapCounts caps,
    ILocalDelivery delivery,
    TenantRealtimeMetrics metrics,
    AuthenticationExpiry expiry,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILogger<ConnectionLifecycle> logger)
{
    // A connection connects again when a refresh of its user's rooms was carried out while it connected; a third
    // refresh in as many attempts means its access is being changed right now: it is refused, and its client retries.
    private const int MaxConnectAttempts = 3;

    public async Task ConnectAsync(HubCallerContext context)
    {
        using var activity = TenantRealtimeActivitySource.StartConnect();
        try
        {
            await ConnectCoreAsync(context, context.ConnectionAborted).ConfigureAwait(false);
            HandshakeLeftovers.Release(context.GetHttpContext());
        }
        catch (HubException ex)
        {
            var code = HubErrors.CodeOf(ex);
            activity.Fail(code);
            metrics.Refused("connect", code);

            // A refusal is an answer, not a failure: thrown out of OnConnectedAsync it would be logged by SignalR at
            // Error level with a stack trace. The close carries the same code: sentence, reconnecting not allowed, as
            // SignalR's close after a throw did.
            delivery.CloseWithReason(context.ConnectionId, ex.Message, allowReconnect: false);
        }
        catch (OperationCanceledException) when (context.ConnectionAborted.IsCancellationRequested)
        {
            // The client left during its connect (a read bounded by the connection, such as the caps in Redis, was
            // cancelled): ordinary client behaviour. Whatever it joined is undone by the disconnect that follows.
            TenantRealtimeLog.LeftWhileConnecting(logger, context.ConnectionId);
        }
    }

    /// <summary>Forgets the connection and stops counting it; returns its state if it was tracked.</summary>
    public async Task<ConnectionState?> DisconnectAsync(HubCallerContext context)
    {
        // The tenant hub's lifetime manager drops it from its groups when it ends; here it is forgotten and uncounted.
        expiry.Forget(context.ConnectionId);
        if (store.Remove(context.ConnectionId, out var state))
        {
            await membership.CloseAsync(state!).ConfigureAwait(false);
            await registry.RemoveAsync(state!.Registration, CancellationToken.None).ConfigureAwait(false);
            metrics.ConnectionClosed();
        }

        TenantRealtimeLog.Disconnected(logger, context.ConnectionId);
        return state;
    }

    /// <summary>The state of a live, tracked connection; null for one that is not (yet, or any longer) tracked.</summary>
    public ConnectionState? StateOf(HubCallerContext context) => store.Find(context.ConnectionId);

    /// <summary>Runs the authenticator and checks the identity it returns; throws <c>unauthenticated</c> on refusal.</summary>
    public async Task<TenantIdentity> AuthenticateAsync(HubCallerContext context, AuthenticateRequest? request, CancellationToken cancellationToken)
    {
        var (identity, refusal) = await TryAuthenticateAsync(context, request, cancellationToken).ConfigureAwait(false);
        return identity ?? throw Refuse(context.ConnectionId, HubErrors.Unauthenticated(refusal!));
    }

    private async Task<(TenantIdentity? Identity, string? Refusal)> TryAuthenticateAsync(HubCallerContext context, AuthenticateRequest? request, CancellationToken cancellationToken)
    {
        var result = await authenticator
            .AuthenticateAsync(new AuthenticationContext(context.ConnectionId, UserOf(context), context.GetHttpContext(), request), cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, result.FailureReason);
        }

        var problem = IdentityCheck.FindProblem(result.Identity, options.CurrentValue.MaxIdLength);
        return problem is null ? (result.Identity, null) : (null, problem);
    }

    private async Task ConnectCoreAsync(HubCallerContext context, CancellationToken cancellationToken)
    {
        // A refresh carried out while the connection was connecting makes it connect again, as it is now, before
        // anything else can see it; bounded, should its access keep changing.
        for (var attempt = 1; attempt <= MaxConnectAttempts; attempt++)
        {
            switch (await TryConnectAsync(context, cancellationToken).ConfigureAwait(false))
            {
                case StoreResult.Added:
                    return;
                case StoreResult.Revoked:
                    throw Refuse(context.ConnectionId, HubErrors.Unauthenticated("the connection was revoked while it was connecting."));
                default:
                    TenantRealtimeLog.ConnectingAgain(logger, context.ConnectionId);
                    break;
            }
        }

        throw Refuse(context.ConnectionId, HubErrors.Unauthenticated("the connection's access kept changing while it was connecting; connect again."));
    }

    /// <summary>Authenticates, checks the limits, joins the first rooms and stores the connection, unless a revocation
    /// request carried out meanwhile applies to it (<see cref="StoreResult.Revoked"/>, <see cref="StoreResult.Stale"/>).</summary>
    private async Task<StoreResult> TryConnectAsync(HubCallerContext context, CancellationToken cancellationToken)
    {
        // Revocation carried out from here on reaches this connection: a request that does not find it in the store
        // is found by it when it is added (LocalConnectionStore.TryAdd). A per-connection timer or task is not needed.
        var revocationsSince = store.RevocationGeneration;

        // The authenticator sees every connection, so a custom one (API keys, a custom token) can establish an
        // identity without an ASP.NET Core authentication scheme when AllowAnonymous lets such connections in.
        var (identity, refusal) = await TryAuthenticateAsync(context, request: null, cancellationToken).ConfigureAwait(false);
        if (identity is null)
        {
            if (UserOf(context).Identity?.IsAuthenticated == true || !options.CurrentValue.AllowAnonymous)
            {
                throw Refuse(context.ConnectionId, HubErrors.Unauthenticated(refusal!));
            }

            // No revocation applies to a connection without an identity, and no cap but the server's.
            await TrackAsync(new ConnectionState(context, identity: null), userElsewhere: 0, revocationsSince, cancellationToken).ConfigureAwait(false);
            TenantRealtimeLog.AnonymousConnected(logger, context.ConnectionId);
            return StoreResult.Added;
        }

        // JwtBearer accepts a token up to its clock skew (5 minutes by default) after it expired; the connection may not.
        var expiresAt = AuthenticationExpiry.ExpiryOf(context.GetHttpContext());
        if (expiresAt is { } expired && expiry.HasExpired(expired))
        {
            throw Refuse(context.ConnectionId, HubErrors.Unauthenticated(AuthenticationExpiry.Reason));
        }

        var userElsewhere = await CheckCapsAsync(context, identity, cancellationToken).ConfigureAwait(false);
        var state = new ConnectionState(context, identity);
        var rooms = await resolver.GetInitialRoomsAsync(identity, cancellationToken).ConfigureAwait(false);
        // Not yet in the store, so nothing else can see it: its first rooms need no gate. Should it not be stored, the
        // lifetime manager drops it from these groups when the connection ends, as it does for every connection.
        await membership.InitializeAsync(state, rooms, cancellationToken).ConfigureAwait(false);
        var stored = await TrackAsync(state, userElsewhere, revocationsSince, cancellationToken).ConfigureAwait(false);

        switch (stored)
        {
            case StoreResult.Added:
                if (expiresAt is { } at)
                {
                    expiry.Track(context.ConnectionId, at);
                }

                TenantRealtimeLog.ConnectionAuthenticated(logger, context.ConnectionId, identity.UserId, identity.OrganizationId, identity.TenantId, identity.Role);
                break;
            case StoreResult.Stale:
                // Still not stored, so still invisible: it leaves the groups of rooms it may no longer hold, and its
                // next attempt joins those it holds now.
                await membership.InitializeAsync(state, [], cancellationToken).ConfigureAwait(false);
                break;
        }

        return stored;
    }

    /// <summary>
    /// Refuses the connection when its tenant, or its user on the other servers, already has the maximum; returns how
    /// many connections the user has elsewhere, so that <see cref="TrackAsync"/> leaves this server only the rest.
    /// </summary>
    private async Task<long> CheckCapsAsync(HubCallerContext context, TenantIdentity identity, CancellationToken cancellationToken)
    {
        // Checked before joining, against what the cluster is known to hold (cluster-wide with Redis); concurrent
        // connects, here or on other servers, may overshoot slightly.
        var counts = await caps.CountAsync(identity, cancellationToken).ConfigureAwait(false);
        var settings = options.CurrentValue;
        if (identity.TenantId is not null && counts.TenantConnections >= settings.MaxConnectionsPerTenant)
        {
            throw Refuse(context.ConnectionId, HubErrors.LimitExceeded($"the tenant already has the maximum of {settings.MaxConnectionsPerTenant} connections."));
        }

        if (counts.UserConnectionsElsewhere >= settings.MaxConnectionsPerUser)
        {
            throw Refuse(context.ConnectionId, UserAtLimit(settings.MaxConnectionsPerUser));
        }

        return counts.UserConnectionsElsewhere;
    }

    private async Task<StoreResult> TrackAsync(ConnectionState state, long userElsewhere, long revocationsSince, CancellationToken cancellationToken)
    {
        // This server's own connections of the user are counted under the store's lock, so concurrent connects here
        // never overshoot; the other servers' share is what the caps check found.
        var max = options.CurrentValue.MaxConnectionsPerUser;
        var stored = store.TryAdd(state, (int)Math.Max(0, max - userElsewhere), revocationsSince);
        if (stored == StoreResult.UserAtLimit)
        {
            throw Refuse(state.ConnectionId, UserAtLimit(max));
        }

        if (stored != StoreResult.Added)
        {
            return stored;
        }

        metrics.ConnectionOpened();
        try
        {
            await registry.AddAsync(state.Registration, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            store.Remove(state.ConnectionId, out _);
            metrics.ConnectionClosed();
            throw;
        }

        // Accepted: broadcasts reach it from now on. Until here it was in "everyone" and its first groups only to be
        // ready, and a connection refused before this point receives nothing.
        delivery.Find(state.ConnectionId)?.Accept();
        return stored;
    }

    private static HubException UserAtLimit(int max) => HubErrors.LimitExceeded($"the user already has the maximum of {max} connections.");

    private HubException Refuse(string connectionId, HubException error)
    {
        TenantRealtimeLog.ConnectionRefused(logger, connectionId, error.Message);
        return error;
    }

    private static ClaimsPrincipal UserOf(HubCallerContext context) => context.User ?? new ClaimsPrincipal();
}
