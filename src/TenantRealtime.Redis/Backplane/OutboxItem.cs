using TenantRealtime.Recovery;

namespace TenantRealtime.Redis.Backplane;

/// <summary>A broadcast waiting for Redis: where it goes, what it says, and a numbering already under way, if any.</summary>
internal sealed class OutboxItem(BroadcastTarget target, OutgoingBroadcast broadcast)
{
    public BroadcastTarget Target { get; } = target;

    public OutgoingBroadcast Broadcast { get; } = broadcast;

    /// <summary>Gets the broadcast's id in the history, so a retry after a lost reply finds it instead of numbering it twice.</summary>
    public string Id { get; } = RoomEpochs.New();

    /// <summary>Gets or sets its stored envelope JSON once serialized (what the history keeps and the channel carries).</summary>
    public byte[]? Payload { get; set; }

    /// <summary>Gets or sets whether a publish of it has been sent to Redis (which may have run it, reply lost).</summary>
    public bool Attempted { get; set; }

    /// <summary>
    /// A history append that did not answer within the broadcast timeout. It is already queued in Redis, so the
    /// drainer awaits it instead of appending again (which would number the broadcast twice).
    /// </summary>
    public Task<TenantEnvelope>? Pending { get; set; }
}
