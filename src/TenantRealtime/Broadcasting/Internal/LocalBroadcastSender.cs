using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TenantRealtime.Hosting.Internal;
using TenantRealtime.Recovery;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>Numbers the broadcast in the <see cref="IRoomHistory"/> (when recovery is on), then hands it to SignalR once.</summary>
internal sealed class LocalBroadcastSender(
    IHubContext<TenantRealtimeHub> hub,
    IRoomHistory history,
    IOptionsMonitor<TenantRealtimeOptions> options) : IBroadcastSender
{
    public async ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken)
    {
        var room = target.Room;
        var envelope = options.CurrentValue.EnableRecovery
            ? await history.AppendAsync(room, broadcast, cancellationToken).ConfigureAwait(false)
            : broadcast.ToEnvelope(room, seq: null, epoch: null);
        await target.In(hub.Clients).SendAsync(broadcast.EventName, envelope, cancellationToken).ConfigureAwait(false);
        return envelope;
    }
}
