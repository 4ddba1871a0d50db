using Microsoft.Extensions.Options;
using TenantRealtime.Broadcasting.Internal;

namespace TenantRealtime.Recovery;

/// <summary>
/// Gives a broadcast its place in its room: the next <c>seq</c> of the room's <see cref="IRoomHistory"/> when
/// recovery is on, none when it is off. The one place the in-memory path decides it.
/// </summary>
internal sealed class BroadcastNumbering(IRoomHistory history, IOptionsMonitor<TenantRealtimeOptions> options)
{
    public ValueTask<TenantEnvelope> NumberAsync(string room, OutgoingBroadcast broadcast, CancellationToken cancellationToken) =>
        options.CurrentValue.EnableRecovery
            ? history.AppendAsync(room, broadcast, cancellationToken)
            : ValueTask.FromResult(broadcast.ToEnvelope(room, seq: null, epoch: null));
}
