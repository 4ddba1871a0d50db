namespace TenantRealtime.Delivery;

/// <summary>
/// A connection's queued items, in order, where a newer change of a state key replaces the one still queued: the old
/// one is dropped where it is and the newer one goes last. So the queue holds at most one change per (room, key), and
/// a room's changes stay in version order (the newer one is the room's latest when it is queued). Used under the
/// owning sender's lock.
/// </summary>
/// <remarks>
/// A replaced item stays in its slot, empty, until the drain reaches it; once empty slots outnumber the rest the queue
/// is compacted, so a key flipped forever at a paused reader costs a bounded queue, not one slot per flip.
/// </remarks>
internal sealed class SendQueue
{
    private const int CompactAbove = 64;

    private Outgoing[] _items = new Outgoing[8];
    private int _head;

    // Absolute index of _items[_head]: the index of the state changes still queued survives dequeues.
    private long _headIndex;
    private int _dropped;
    private Dictionary<(string Room, string Key), long>? _changes;

    /// <summary>Gets the number of slots, replaced ones included.</summary>
    public int Count { get; private set; }

    public void Enqueue(Outgoing item)
    {
        if (Count == _items.Length)
        {
            Resize(_items.Length * 2);
        }

        _items[(_head + Count) % _items.Length] = item;
        Count++;
    }

    /// <summary>
    /// Queues a change of (<paramref name="room"/>, <paramref name="key"/>) and drops the one of the same key still
    /// queued; returns that one (its bytes leave the queue), or <see langword="null"/>.
    /// </summary>
    public Outgoing? EnqueueChange(Outgoing item, string room, string key)
    {
        Outgoing? replaced = null;
        _changes ??= new Dictionary<(string, string), long>();
        if (_changes.TryGetValue((room, key), out var index))
        {
            ref var slot = ref _items[(_head + (int)(index - _headIndex)) % _items.Length];
            replaced = slot;
            slot = Outgoing.Dropped;
            _dropped++;
        }

        _changes[(room, key)] = _headIndex + Count;
        Enqueue(item);
        if (_dropped > CompactAbove && _dropped > Count / 2)
        {
            Compact();
        }

        return replaced;
    }

    public ref readonly Outgoing Peek() => ref _items[_head];

    public Outgoing Dequeue()
    {
        var item = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        _headIndex++;
        Count--;
        if (item.IsDropped)
        {
            _dropped--;
        }
        else if (item.ChangeKey is { } key && _changes is not null && _changes.TryGetValue((item.Room!, key), out var index) && index == _headIndex - 1)
        {
            _changes.Remove((item.Room!, key));
        }

        return item;
    }

    /// <summary>Removes the items <paramref name="remove"/> picks, and the replaced slots; the rest keep their order.</summary>
    public void RemoveWhere(Func<Outgoing, bool> remove)
    {
        var kept = new Outgoing[Math.Max(8, _items.Length)];
        var count = 0;
        _changes?.Clear();
        for (var i = 0; i < Count; i++)
        {
            var item = _items[(_head + i) % _items.Length];
            if (item.IsDropped || remove(item))
            {
                continue;
            }

            if (item.ChangeKey is { } key)
            {
                _changes![(item.Room!, key)] = _headIndex + count;
            }

            kept[count++] = item;
        }

        (_items, _head, Count, _dropped) = (kept, 0, count, 0);
    }

    /// <summary>Every item in order, replaced slots left out.</summary>
    public IEnumerable<Outgoing> Items()
    {
        for (var i = 0; i < Count; i++)
        {
            var item = _items[(_head + i) % _items.Length];
            if (!item.IsDropped)
            {
                yield return item;
            }
        }
    }

    private void Compact() => RemoveWhere(static _ => false);

    private void Resize(int capacity)
    {
        var items = new Outgoing[capacity];
        for (var i = 0; i < Count; i++)
        {
            items[i] = _items[(_head + i) % _items.Length];
        }

        (_items, _head) = (items, 0);
    }
}
