namespace TenantRealtime.Recovery;

/// <summary>
/// Numbers (with recovery) and delivers one broadcast. The default numbers it in this server's history and sends
/// it through SignalR; the Redis package replaces it to number broadcasts in Redis and to keep them in an outbox
/// while Redis is unreachable.
/// </summary>
internal interface IBroadcastSender
{
    /// <summary>Sends <paramref name="broadcast"/> to <paramref name="target"/> and returns the envelope as sent (or queued).</summary>
    ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken);
}
