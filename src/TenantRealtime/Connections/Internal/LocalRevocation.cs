using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Identity.Internal;
using TenantRealtime.State.Internal;
using TenantRealtime.Topics.Internal;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// Revocation on this server. The default <see cref="ITenantConnectionManager"/>; the Redis package calls it on
/// every server when a request arrives over Redis. Connections still connecting are not in the store yet: the store
/// records each request, and they apply it when they are added (<see cref="ConnectionLifecycle"/>).
/// </summary>
internal sealed class LocalRevocation(
    LocalConnectionStore store,
    ConnectionLifecycle lifecycle,
    IRoomResolver resolver,
    RoomMembership membership,
    TopicAccess topicAccess,
    StateReader stateReader,
    ILocalDelivery delivery,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILogger<LocalRevocation> logger) : ITenantConnectionManager
{
    public Task DisconnectUserAsync(string organizationId, string userId, CancellationToken cancellationToken = default)
    {
        ValidateIds(organizationId, userId);
        Close(store.Revoke(new RevocationRequest(RevocationKind.DisconnectUser, organizationId, userId)), "the user's connections were revoked.", allowReconnect: false);
        return Task.CompletedTask;
    }

    public Task DisconnectTenantAsync(string organizationId, string tenantId, CancellationToken cancellationToken = default)
    {
        ValidateIds(organizationId, tenantId);
        Close(store.Revoke(new RevocationRequest(RevocationKind.DisconnectTenant, organizationId, tenantId)), "the tenant's connections were revoked.", allowReconnect: false);
        return Task.CompletedTask;
    }

    public async Task RefreshUserRoomsAsync(string organizationId, string userId, CancellationToken cancellationToken = default)
    {
        ValidateIds(organizationId, userId);
        foreach (var state in store.Revoke(new RevocationRequest(RevocationKind.RefreshUserRooms, organizationId, userId)))
        {
            await RefreshAsync(state, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync(ConnectionState state, CancellationToken cancellationToken)
    {
        TenantIdentity identity;
        try
        {
            identity = await lifecycle.AuthenticateAsync(state.Context, request: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.SignalR.HubException)
        {
            // Its client reconnects with a fresh token, and is then authenticated as it is now (or refused).
            Close([state], "the connection is no longer authenticated; reconnect.", allowReconnect: true);
            return;
        }

        if (identity != state.Identity)
        {
            // Rooms follow the identity; a connection whose identity changed must reconnect as the new one.
            Close([state], "the connection's identity changed; reconnect.", allowReconnect: true);
            return;
        }

        var rooms = new List<TenantRoom>(await resolver.GetInitialRoomsAsync(identity, cancellationToken).ConfigureAwait(false));
        foreach (var organizationId in JoinedOrganizations(state, identity))
        {
            var decision = await resolver.CanJoinOrganizationAsync(identity, organizationId, cancellationToken).ConfigureAwait(false);
            if (decision.Allowed)
            {
                rooms.AddRange(decision.Rooms.Where(room => string.Equals(room.OrganizationId, organizationId, StringComparison.Ordinal)));
            }
        }

        // Topics held are asked for again, inside the organizations still held; the refused ones go, and the client is told.
        var held = state.Rooms.Where(room => room.IsTopic).ToList();
        var topics = held.Select(room => Topic.Of(room)!.Value).ToList();
        var answers = await topicAccess.DecideAsync(identity, state.Context.User, rooms, topics, cancellationToken).ConfigureAwait(false);

        // The client may have subscribed or unsubscribed while the authorizer was asked (outside the connection's gate):
        // a topic granted by Subscribe meanwhile stays, one unsubscribed meanwhile stays gone.
        var asked = held.ToHashSet();
        var granted = held.Where((_, i) => answers[i]).ToHashSet();
        await membership.ChangeAsync(
            state,
            current => rooms.Concat(current.Where(room =>
                room.IsTopic && (granted.Contains(room) || !asked.Contains(room)) && TopicAccess.HoldsOrganization(rooms, room.OrganizationId))),
            cancellationToken).ConfigureAwait(false);

        var removed = topics.Where((_, i) => !answers[i]).ToList();
        if (removed.Count > 0 && delivery.Find(state.ConnectionId) is { } sender)
        {
            stateReader.Unsubscribed(sender, removed.Select(topic => topic.Room.Name).ToHashSet(StringComparer.Ordinal));
            TenantRealtimeLog.TopicsRevoked(logger, state.ConnectionId, removed.Count);
            foreach (var topic in removed)
            {
                metrics.TopicSubscribe(TopicAccess.ScopeOf(topic), "revoked");
            }

            sender.Send(new SerializedHubMessage(new InvocationMessage(TenantRealtimeWire.Events.Unsubscribed, [TopicPayload.Revoked(removed)])));
        }
    }

    private static List<string> JoinedOrganizations(ConnectionState state, TenantIdentity identity) =>
        state.Rooms
            .Select(room => room.OrganizationId)
            .Where(id => !string.Equals(id, identity.OrganizationId, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Closes with <c>unauthenticated: {sentence}</c>: a revoked identity is one the server no longer accepts.</summary>
    private void Close(IEnumerable<ConnectionState> states, string sentence, bool allowReconnect)
    {
        foreach (var state in states)
        {
            // A connection closed already (a second revocation, a flooder) or ended is not counted.
            if (delivery.CloseWithReason(state.ConnectionId, $"{TenantRealtimeWire.Errors.Unauthenticated}: {sentence}", allowReconnect))
            {
                TenantRealtimeLog.ConnectionRevoked(logger, state.ConnectionId, state.Identity?.UserId ?? "", state.Identity?.OrganizationId ?? "", sentence);
                metrics.ClosedByServer("revoked");
            }
        }
    }

    private void ValidateIds(string organizationId, string otherId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(otherId))] string? otherName = null)
    {
        var max = options.CurrentValue.MaxIdLength;
        Ids.ThrowIfInvalid(organizationId, max);
        Ids.ThrowIfInvalid(otherId, max, otherName);
    }
}
