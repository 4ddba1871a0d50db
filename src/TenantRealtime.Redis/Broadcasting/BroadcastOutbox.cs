namespace TenantRealtime.Redis.Broadcasting;

/// <summary>
/// Broadcasts this server could not hand to Redis, oldest first, bounded: when full the oldest is given up so a long
/// outage costs bounded memory and the newest state wins. One drainer takes them out in order.
/// </summary>
internal sealed class BroadcastOutbox(int capacity)
{
    private readonly Queue<OutboxItem> _items = new();
    private readonly Lock _lock = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="item"/> at the end; returns the oldest item given up to make room, if any.</summary>
    public OutboxItem? Enqueue(OutboxItem item)
    {
        lock (_lock)
        {
            return EnqueueLocked(item);
        }
    }

    /// <summary>
    /// Adds <paramref name="item"/> only when older broadcasts are waiting, so a new one can never overtake them;
    /// returns false (and adds nothing) when the outbox is empty.
    /// </summary>
    public bool EnqueueIfBacklogged(OutboxItem item, out OutboxItem? dropped)
    {
        lock (_lock)
        {
            if (_items.Count == 0)
            {
                dropped = null;
                return false;
            }

            dropped = EnqueueLocked(item);
            return true;
        }
    }

    /// <summary>The oldest waiting item, which stays in the outbox until <see cref="Complete"/>.</summary>
    public bool TryPeek(out OutboxItem item)
    {
        lock (_lock)
        {
            return _items.TryPeek(out item!);
        }
    }

    /// <summary>Removes <paramref name="item"/> once handed over; a no-op when it was given up meanwhile.</summary>
    public void Complete(OutboxItem item)
    {
        lock (_lock)
        {
            if (_items.TryPeek(out var head) && ReferenceEquals(head, item))
            {
                _items.Dequeue();
            }
        }
    }

    private OutboxItem? EnqueueLocked(OutboxItem item)
    {
        var dropped = _items.Count >= Capacity ? _items.Dequeue() : null;
        _items.Enqueue(item);
        return dropped;
    }
}
