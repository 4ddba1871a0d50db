using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Recovery;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>
/// This server's sender: numbers the broadcast in the in-memory history (when recovery is on) and hands it to every
/// local recipient's bounded sender while the room is held, so each connection gets a room's broadcasts in seq order.
/// Nothing here waits for a recipient.
/// </summary>
internal sealed class LocalBroadcastSender(
    TenantHubLifetimeManager delivery,
    InMemoryRoomHistory history,
    IOptionsMonitor<TenantRealtimeOptions> options) : IBroadcastSender
{
    public ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.EnableRecovery)
        {
            var unnumbered = broadcast.ToEnvelope(target.Room, seq: null, epoch: null);
            delivery.DeliverLocally(target.Groups, broadcast.EventName, unnumbered);
            return ValueTask.FromResult(unnumbered);
        }

        var envelope = history.Append(
            target.Room,
            broadcast,
            static (numbered, state) => state.Delivery.DeliverLocally(state.Groups, state.EventName, numbered),
            (Delivery: delivery, target.Groups, broadcast.EventName));
        return ValueTask.FromResult(envelope);
    }
}
