using Microsoft.Extensions.Options;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// "Number, publish, deliver here" for Redis, written once for the sender and the outbox drainer: with recovery on,
/// the broadcast joins the <see cref="GroupCommit"/>, whose history script numbers it, keeps it and publishes it on its
/// organization's channel with what else waited (one round trip, so the publish order is the seq order); with recovery
/// off it is published unnumbered. This server's own connections
/// then get it through the <see cref="LocalDeliveryOrder"/>, without waiting for the echo.
/// </summary>
internal sealed class BroadcastPublisher(
    RedisRoomHistory history,
    GroupCommit commit,
    RoomPublications publications,
    LocalDeliveryOrder deliveryOrder,
    IOptionsMonitor<TenantRealtimeOptions> realtime)
{
    /// <summary>
    /// Publishes <paramref name="item"/>; completes with its envelope once Redis ran it. Not cancellable: once sent, the
    /// script may run whatever the caller does, and then its broadcast must still be delivered here.
    /// </summary>
    public Task<TenantEnvelope> PublishAsync(OutboxItem item)
    {
        var publication = publications.ForAsync(item.Target, item.Broadcast.EventName);
        if (!realtime.CurrentValue.EnableRecovery)
        {
            return PublishUnnumberedAsync(item, publication);
        }

        // A room's publication is known after its first broadcast: the append's own task is then returned as it is,
        // with no state machine of this method around it (one allocation fewer per broadcast).
        return publication.IsCompletedSuccessfully ? AppendAsync(item, publication.Result) : AppendWhenKnownAsync(item, publication);
    }

    private async Task<TenantEnvelope> AppendWhenKnownAsync(OutboxItem item, ValueTask<RoomPublication> publication) =>
        await AppendAsync(item, await publication.ConfigureAwait(false)).ConfigureAwait(false);

    private async Task<TenantEnvelope> PublishUnnumberedAsync(OutboxItem item, ValueTask<RoomPublication> publication)
    {
        var (target, broadcast) = (item.Target, item.Broadcast);
        await publications.PublishUnnumberedAsync(await publication.ConfigureAwait(false), history.Serialize(broadcast)).ConfigureAwait(false);
        return broadcast.ToEnvelope(target.Room, seq: null, epoch: null);
    }

    private Task<TenantEnvelope> AppendAsync(OutboxItem item, RoomPublication publication)
    {
        // Serialized here, so a broadcast that cannot be serialized fails alone and never enters a batch; as a faulted
        // task, as from an async method, so the outbox drainer sees it per broadcast.
        try
        {
            item.Payload ??= history.Serialize(item.Broadcast);
        }
        catch (Exception ex)
        {
            return Task.FromException<TenantEnvelope>(ex);
        }

        var request = new AppendRequest(item.Target.Room, item.Broadcast, item.Payload, publication, item.Id, item.Attempted);
        item.Attempted = true;
        return commit.AppendAsync(request);
    }

    /// <summary>Hands a published broadcast to this server's connections, in seq order with the room's others.</summary>
    public void DeliverHere(OutboxItem item, TenantEnvelope envelope) =>
        deliveryOrder.Own(item.Target, item.Broadcast.EventName, envelope, item.Payload);

    /// <summary>Starts a room over in a new epoch, so clients that missed a given-up broadcast are told to reload.</summary>
    public Task ResetAsync(string room, CancellationToken cancellationToken) => history.ResetAsync(room, cancellationToken);
}
