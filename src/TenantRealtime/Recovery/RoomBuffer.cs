
namespace TenantRealtime.Recovery;

/// <summary>
/// One room's kept broadcasts in this server's memory, oldest first. Not thread-safe; the room's lock guards it.
/// <see cref="ByteRoomBuffer"/> when every hub protocol is JSON, <see cref="ObjectRoomBuffer"/> otherwise.
/// </summary>
internal abstract class RoomBuffer
{
    /// <summary>Gets how many broadcasts are kept.</summary>
    public abstract int Count { get; }

    /// <summary>Keeps one broadcast; <paramref name="seq"/> follows the last one kept.</summary>
    /// <param name="seq">Its position in the room.</param>
    /// <param name="at">When it was kept (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="broadcast">The broadcast.</param>
    /// <param name="storedJson">Its <see cref="StoredEnvelopeSerializer"/> JSON, when the store keeps bytes; empty otherwise.</param>
    public abstract void Add(long seq, long at, in OutgoingBroadcast broadcast, ReadOnlySpan<byte> storedJson);

    /// <summary>The oldest kept broadcast's position and time, if any.</summary>
    public abstract bool TryPeekOldest(out long seq, out long at);

    /// <summary>Forgets the oldest kept broadcast.</summary>
    public abstract void RemoveOldest();

    /// <summary>Every kept broadcast after <paramref name="afterSeq"/>, oldest first, as the envelopes to replay.</summary>
    public abstract List<HistoryEntry> ReadAfter(long afterSeq, string room, string epoch);
}
