
namespace TenantRealtime.Recovery;

/// <summary>
/// Kept broadcasts as the caller's objects, for hubs that also speak a protocol other than JSON (MessagePack): the
/// replay is serialized by the connection's own protocol, so it spells <c>data</c> exactly as the live broadcast
/// did (JSON would give MessagePack clients camelCase keys). The price is garbage-collector work for every kept
/// object under load; <see cref="ByteRoomBuffer"/> avoids it when every protocol is JSON.
/// </summary>
internal sealed class ObjectRoomBuffer : RoomBuffer
{
    private readonly Queue<Kept> _entries = new();

    public override int Count => _entries.Count;

    public override void Add(long seq, long at, in OutgoingBroadcast broadcast, ReadOnlySpan<byte> storedJson) =>
        _entries.Enqueue(new Kept(seq, at, broadcast));

    public override bool TryPeekOldest(out long seq, out long at)
    {
        var found = _entries.TryPeek(out var oldest);
        (seq, at) = (oldest.Seq, oldest.At);
        return found;
    }

    public override void RemoveOldest() => _entries.TryDequeue(out _);

    public override List<HistoryEntry> ReadAfter(long afterSeq, string room, string epoch) =>
        [.. _entries.Where(k => k.Seq > afterSeq).Select(k => new HistoryEntry(k.Broadcast.EventName, k.Broadcast.ToEnvelope(room, k.Seq, epoch)))];

    private readonly record struct Kept(long Seq, long At, OutgoingBroadcast Broadcast);
}
