namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Broadcasts this server could not hand to Redis, oldest first, bounded: when full the oldest is given up so a long
/// outage costs bounded memory and the newest state wins. A given-up broadcast's room is remembered until its epoch
/// is reset in Redis, so no client resumes across the hole as if nothing was missed. One drainer takes them out in order.
/// </summary>
internal sealed class BroadcastOutbox(int capacity)
{
    private readonly Queue<OutboxItem> _items = new();
    private readonly HashSet<string> _givenUp = new(StringComparer.Ordinal);
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

    /// <summary>Gets whether rooms wait for their epoch to be reset.</summary>
    public bool HasGivenUpRooms
    {
        get
        {
            lock (_lock)
            {
                return _givenUp.Count > 0;
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
    /// Adds <paramref name="item"/> only when older broadcasts are waiting (or rooms wait for a reset), so a new one can
    /// never overtake them; returns false (and adds nothing) otherwise.
    /// </summary>
    public bool EnqueueIfBacklogged(OutboxItem item, out OutboxItem? dropped)
    {
        lock (_lock)
        {
            if (_items.Count == 0 && _givenUp.Count == 0)
            {
                dropped = null;
                return false;
            }

            dropped = EnqueueLocked(item);
            return true;
        }
    }

    /// <summary>The oldest waiting items, at most <paramref name="count"/>, which stay in the outbox until <see cref="Complete"/>.</summary>
    public List<OutboxItem> PeekOldest(int count)
    {
        lock (_lock)
        {
            return [.. _items.Take(count)];
        }
    }

    /// <summary>Removes <paramref name="item"/> once handed over; a no-op when it was given up meanwhile.</summary>
    public void Complete(OutboxItem item)
    {
        lock (_lock)
        {
            DequeueIfHead(item);
        }
    }

    /// <summary>Gives up <paramref name="item"/> (it cannot be sent): removed, and its room waits for a reset.</summary>
    public void GiveUp(OutboxItem item)
    {
        lock (_lock)
        {
            DequeueIfHead(item);
            _givenUp.Add(item.Target.Room);
        }
    }

    /// <summary>The rooms waiting for their epoch to be reset.</summary>
    public string[] GivenUpRooms()
    {
        lock (_lock)
        {
            return [.. _givenUp];
        }
    }

    /// <summary>Marks <paramref name="room"/>'s epoch as reset.</summary>
    public void Reset(string room)
    {
        lock (_lock)
        {
            _givenUp.Remove(room);
        }
    }

    private void DequeueIfHead(OutboxItem item)
    {
        if (_items.TryPeek(out var head) && ReferenceEquals(head, item))
        {
            _items.Dequeue();
        }
    }

    private OutboxItem? EnqueueLocked(OutboxItem item)
    {
        OutboxItem? dropped = null;
        if (_items.Count >= Capacity)
        {
            dropped = _items.Dequeue();
            _givenUp.Add(dropped.Target.Room);
        }

        _items.Enqueue(item);
        return dropped;
    }
}
