using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;

namespace TenantRealtime.Recovery;

/// <summary>
/// This server's sender: numbers the broadcast in the in-memory history (when recovery is on) and hands it to every
/// local recipient's bounded sender while the room is held, so each connection gets a room's broadcasts in seq order.
/// Nothing here waits for a recipient.
/// </summary>
internal sealed class LocalBroadcastSender(
    ILocalDelivery delivery,
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

        // Numbered and handed to the senders in one hold of the room, so each connection gets its broadcasts in seq order.
        using var numbered = history.Number(target.Room, broadcast);
        delivery.DeliverLocally(target.Groups, broadcast.EventName, numbered.Envelope);
        return ValueTask.FromResult(numbered.Envelope);
    }
}
