using Microsoft.AspNetCore.SignalR;
using TenantRealtime.Hosting.Internal;
using TenantRealtime.Recovery;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>This server's sender: numbers the broadcast (<see cref="BroadcastNumbering"/>), then hands it to SignalR once.</summary>
internal sealed class LocalBroadcastSender(IHubContext<TenantRealtimeHub> hub, BroadcastNumbering numbering) : IBroadcastSender
{
    public async ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken)
    {
        var envelope = await numbering.NumberAsync(target.Room, broadcast, cancellationToken).ConfigureAwait(false);
        await target.In(hub.Clients).SendAsync(broadcast.EventName, envelope, cancellationToken).ConfigureAwait(false);
        return envelope;
    }
}
