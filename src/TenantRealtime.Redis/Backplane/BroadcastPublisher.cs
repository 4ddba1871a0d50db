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
    public async Task<TenantEnvelope> PublishAsync(OutboxItem item)
    {
        var (target, broadcast) = (item.Target, item.Broadcast);
        var publication = await publications.ForAsync(target, broadcast.EventName).ConfigureAwait(false);
        if (realtime.CurrentValue.EnableRecovery)
        {
            // Serialized here, so a broadcast that cannot be serialized fails alone and never enters a batch.
            item.Payload ??= history.Serialize(broadcast);
            var request = new AppendRequest(target.Room, broadcast, item.Payload, publication, item.Id, item.Attempted);
            item.Attempted = true;
            return await commit.AppendAsync(request).ConfigureAwait(false);
        }

        await publications.PublishUnnumberedAsync(publication, history.Serialize(broadcast)).ConfigureAwait(false);
        return broadcast.ToEnvelope(target.Room, seq: null, epoch: null);
    }

    /// <summary>Hands a published broadcast to this server's connections, in seq order with the room's others.</summary>
    public void DeliverHere(OutboxItem item, TenantEnvelope envelope) =>
        deliveryOrder.Own(item.Target, item.Broadcast.EventName, envelope, item.Payload);

    /// <summary>Starts a room over in a new epoch, so clients that missed a given-up broadcast are told to reload.</summary>
    public Task ResetAsync(string room, CancellationToken cancellationToken) => history.ResetAsync(room, cancellationToken);
}
