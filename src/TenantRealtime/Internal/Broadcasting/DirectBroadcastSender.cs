using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TenantRealtime.Internal.Hubs;
using TenantRealtime.Internal.Recovery;

namespace TenantRealtime.Internal.Broadcasting;

/// <summary>Numbers the broadcast in the <see cref="IRoomHistory"/> (when recovery is on), then hands it to SignalR once.</summary>
internal sealed class DirectBroadcastSender(
    IHubContext<TenantRealtimeHub> hub,
    IRoomHistory history,
    IOptionsMonitor<TenantRealtimeOptions> options) : IBroadcastSender
{
    public async ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, EnvelopeDraft draft, CancellationToken cancellationToken)
    {
        var room = target.Room;
        var envelope = options.CurrentValue.EnableRecovery
            ? await history.AppendAsync(room, draft, cancellationToken).ConfigureAwait(false)
            : draft.ToEnvelope(room, seq: null, epoch: null);
        await target.In(hub.Clients).SendAsync(draft.EventName, envelope, cancellationToken).ConfigureAwait(false);
        return envelope;
    }
}
