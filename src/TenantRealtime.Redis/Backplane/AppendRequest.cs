using TenantRealtime.Recovery;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// One broadcast for the history script: its room, the broadcast and its stored envelope JSON (serialized once, by the
/// caller, so a broadcast that cannot be serialized never enters a batch), how it is published, and its attempt. It
/// completes with the envelope Redis numbered; continuations run on the completing thread, in the batch's order.
/// </summary>
internal sealed class AppendRequest(string room, OutgoingBroadcast broadcast, byte[] payload, RoomPublication publication, string id, bool retry)
    : TaskCompletionSource<TenantEnvelope>
{
    public string Room { get; } = room;

    public OutgoingBroadcast Broadcast { get; } = broadcast;

    /// <summary>Gets the stored envelope JSON.</summary>
    public byte[] Payload { get; } = payload;

    public RoomPublication Publication { get; } = publication;

    /// <summary>Gets the broadcast's id, kept with its entry, so a retry after a lost reply finds it instead of numbering it twice.</summary>
    public string Id { get; } = id;

    /// <summary>Gets whether an earlier attempt was sent (Redis may have run it and lost only the reply).</summary>
    public bool Retry { get; } = retry;

    /// <summary>Gets what it adds to a batch's size.</summary>
    public int Bytes => Payload.Length + Publication.Head.Length;
}
