namespace TenantRealtime.State.Internal;

/// <summary>The slot timer's grid.</summary>
internal static class StateSlots
{
    /// <summary>The grid the timer fires on: keys due within one tick share a wake-up.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
}

/// <summary>
/// The keys whose merged change waits for its next slot, across this server's rooms, sent by one timer. The timer fires
/// on a grid of <see cref="StateSlots.Tick"/> and sends every key due by then, so a flood of merged changes wakes the thread pool
/// at most once a tick (measured: one timer per key, a thousand wake-ups a second, cost as much as the deliveries it
/// saved). A key goes out at its slot or at most one tick after it, never before. A key waits here once: scheduling it
/// again while it waits for the same or a later time changes nothing, as its flush looks at the key's slot again and
/// schedules it anew if need be; scheduling it for an earlier time (a key's expiry moved closer) brings it forward.
/// </summary>
/// <typeparam name="TRoom">What names a room to <paramref name="flush"/>: its <see cref="KeyedState"/> in memory, its key with Redis.</typeparam>
internal sealed class StateSlots<TRoom>(TimeProvider time, Action<TRoom, string> flush) : IDisposable
{
    private readonly PriorityQueue<(TRoom Room, string Key), long> _waiting = new();
    // Each waiting key and the earliest time it waits for: a queued entry for a later time is stale, and skipped.
    private readonly Dictionary<(TRoom Room, string Key), long> _held = [];
    private readonly Lock _lock = new();
    private readonly long _tickTicks = Math.Max(1, (long)(StateSlots.Tick.TotalSeconds * time.TimestampFrequency));
    private ITimer? _timer;
    private long _armedFor = long.MaxValue;

    /// <summary>Gets how many entries are queued, stale ones included (for tests).</summary>
    internal int Queued
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Sends <paramref name="key"/>'s waiting change once <paramref name="due"/> (a <see cref="TimeProvider.GetTimestamp"/>) has passed.</summary>
    public void Schedule(TRoom room, string key, long due)
    {
        lock (_lock)
        {
            if (!_held.TryGetValue((room, key), out var held) || due < held)
            {
                _held[(room, key)] = due;
                _waiting.Enqueue((room, key), due);
                ArmLocked(due);
                DropStaleLocked();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _waiting.Clear();
            _held.Clear();
        }
    }

    // Keys brought forward leave their later entries queued until those come due (up to the 30 days of a
    // time-to-live): rebuilt from the held times before they outnumber the waiting keys.
    private void DropStaleLocked()
    {
        if (_waiting.Count <= (2 * _held.Count) + 64)
        {
            return;
        }

        _waiting.Clear();
        foreach (var (item, due) in _held)
        {
            _waiting.Enqueue(item, due);
        }
    }

    private void ArmLocked(long due)
    {
        // Rounded up to the grid, so keys due within one tick share a wake-up.
        var at = (due + _tickTicks - 1) / _tickTicks * _tickTicks;
        if (at >= _armedFor)
        {
            return;
        }

        _armedFor = at;
        var now = time.GetTimestamp();
        var delay = time.GetElapsedTime(now, Math.Max(at, now));
        _timer ??= time.CreateTimer(static state => ((StateSlots<TRoom>)state!).Run(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Run()
    {
        List<(TRoom Room, string Key)> due = [];
        lock (_lock)
        {
            var now = time.GetTimestamp();
            while (_waiting.TryPeek(out var item, out var at) && at <= now)
            {
                _waiting.Dequeue();
                if (_held.TryGetValue(item, out var held) && held == at)
                {
                    _held.Remove(item);
                    due.Add(item);
                }
            }

            _armedFor = long.MaxValue;
            if (_waiting.TryPeek(out _, out var next))
            {
                ArmLocked(next);
            }
        }

        // Outside the lock: a flush takes its room's lock, and may schedule the key again.
        foreach (var (room, key) in due)
        {
            flush(room, key);
        }
    }
}
