using System.Buffers;
using System.Text;

namespace TenantRealtime.Recovery;

/// <summary>
/// Kept broadcasts as bytes: each entry's event name and <see cref="StoredEnvelopeSerializer"/> JSON in pooled chunks, indexed
/// by a ring of structs without references. Used when every hub protocol is JSON.
/// </summary>
/// <remarks>
/// Why bytes: a server keeps up to <c>HistoryMaxMessages</c> broadcasts per room for seconds to minutes, so every kept
/// object (the caller's data, boxed values, strings) outlives a few garbage collections and is copied by each; under
/// load that made every GC pause of the library's server ~1.7× the bare hub's (<c>bench/NOTEBOOK.md</c>, finding 11). Bytes in
/// reused chunks give the GC nothing to trace per broadcast, and a replay sends what was sent even if the caller
/// changes its object afterwards. A replay's data is the JSON read back as plain values, as Redis replays it.
/// </remarks>
internal sealed class ByteRoomBuffer : RoomBuffer
{
    // A quiet room holds a small chunk; a busy one grows to full chunks.
    private const int FirstChunkSize = 512;
    private const int ChunkSize = 16 * 1024;

    private readonly Queue<Chunk> _chunks = new();
    private Chunk? _tail;
    private int _nextChunkSize = FirstChunkSize;
    // Empty until the first broadcast: a room whose position was read (a subscribe) but never broadcast to costs no slots.
    private KeptEntry[] _slots = [];
    private int _head;
    private int _count;

    public override int Count => _count;

    public override void Add(long seq, long at, in OutgoingBroadcast broadcast, ReadOnlySpan<byte> storedJson)
    {
        var eventName = broadcast.EventName;
        var nameLength = Encoding.UTF8.GetByteCount(eventName);
        var length = nameLength + storedJson.Length;
        var chunk = ChunkWithRoom(length);
        var offset = chunk.Used;
        var target = chunk.Bytes.AsSpan(offset, length);
        Encoding.UTF8.GetBytes(eventName, target);
        storedJson.CopyTo(target[nameLength..]);
        chunk.Used += length;
        chunk.Entries++;

        if (_count == _slots.Length)
        {
            Grow();
        }

        _slots[(_head + _count) % _slots.Length] = new KeptEntry(seq, at, offset, nameLength, length);
        _count++;
    }

    public override bool TryPeekOldest(out long seq, out long at)
    {
        if (_count == 0)
        {
            (seq, at) = (0, 0);
            return false;
        }

        var oldest = _slots[_head];
        (seq, at) = (oldest.Seq, oldest.At);
        return true;
    }

    public override void RemoveOldest()
    {
        if (_count == 0)
        {
            return;
        }

        _head = (_head + 1) % _slots.Length;
        _count--;

        // Entries fill chunks in order, so the oldest entry is always in the oldest chunk.
        var oldest = _chunks.Peek();
        if (--oldest.Entries == 0)
        {
            _chunks.Dequeue();
            ArrayPool<byte>.Shared.Return(oldest.Bytes);
            if (ReferenceEquals(oldest, _tail))
            {
                _tail = null;
            }
        }
    }

    public override List<HistoryEntry> ReadAfter(long afterSeq, string room, string epoch)
    {
        var result = new List<HistoryEntry>();
        var chunks = _chunks.GetEnumerator();
        Chunk? chunk = null;
        var left = 0;
        for (var i = 0; i < _count; i++)
        {
            // Walk the chunks alongside the slots: each chunk holds the next Entries slots.
            while (left == 0)
            {
                chunks.MoveNext();
                chunk = chunks.Current;
                left = chunk.Entries;
            }

            left--;
            var slot = _slots[(_head + i) % _slots.Length];
            if (slot.Seq > afterSeq)
            {
                var bytes = chunk!.Bytes.AsMemory(slot.Offset, slot.Length);
                var eventName = Encoding.UTF8.GetString(bytes.Span[..slot.NameLength]);
                result.Add(new HistoryEntry(eventName, StoredEnvelopeSerializer.Deserialize(bytes[slot.NameLength..], room, slot.Seq, epoch)));
            }
        }

        return result;
    }

    private Chunk ChunkWithRoom(int length)
    {
        if (_tail is { } tail && tail.Bytes.Length - tail.Used >= length)
        {
            return tail;
        }

        var chunk = new Chunk(ArrayPool<byte>.Shared.Rent(Math.Max(_nextChunkSize, length)));
        _nextChunkSize = Math.Min(_nextChunkSize * 2, ChunkSize);
        _chunks.Enqueue(chunk);
        _tail = chunk;
        return chunk;
    }

    private void Grow()
    {
        var larger = new KeptEntry[Math.Max(8, _slots.Length * 2)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _slots[(_head + i) % _slots.Length];
        }

        _slots = larger;
        _head = 0;
    }

    /// <summary>Where one entry is: its chunk is found by counting, so a slot holds no reference.</summary>
    private readonly record struct KeptEntry(long Seq, long At, int Offset, int NameLength, int Length);

    private sealed class Chunk(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        public int Used { get; set; }

        public int Entries { get; set; }
    }
}
