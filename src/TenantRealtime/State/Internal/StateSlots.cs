namespace TenantRealtime.State.Internal;

/// <summary>The slot timer's grid.</summary>
internal static class StateSlots
{
    /// <summary>
    /// The grid the timer fires on, and how long past a key's slot it leaves for a caller to send it first: the timer
    /// fires at the first grid point at least one tick after the earliest waiting key, so a key goes out at most two
    /// ticks (10 ms) after its slot.
    /// </summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    /// <summary>The most a key waits past its slot when no caller sends it first: two ticks (10 ms).</summary>
    public static readonly TimeSpan MaxLate = Tick * 2;

    /// <summary>
    /// When a key of a room allowing <paramref name="updatesPerSecond"/> changes per key and second, whose change went out
    /// at <paramref name="now"/> (a timestamp of <paramref name="frequency"/>), may go out next: 1 / that rate later,
    /// rounded up to a grid of a tenth of it shared by every key of that rate. Keys flooded at once then come due
    /// together and go out in a few large bursts instead of many small ones (each wake of the thread pool costs
    /// more than the sends it makes), as a conflation interval does; a merged change waits at most 1.1 / the rate.
    /// </summary>
    public static long NextSlot(long now, int updatesPerSecond, long frequency)
    {
        // Ten grid steps make the slot (at least 1 / the rate): from anywhere in a step, the tenth step after it.
        var grid = Math.Max(1, (frequency + (10L * updatesPerSecond) - 1) / (10L * updatesPerSecond));
        return (((now + grid - 1) / grid) + 10) * grid;
    }

    /// <summary>The most waiting keys one caller of <see cref="StateSlots{TRoom}.SendDue"/> sends: the rest go to the timer or the next caller.</summary>
    public const int MaxSentByCaller = 64;
}

/// <summary>
/// The keys whose merged change waits for its next slot, across this server's rooms. They go out with the app's next
/// change on this server once due (<see cref="SendDue"/>, on the caller's thread), or by one timer when no change
/// comes within a tick: under a flood of changes the timer rarely fires (measured: a wake-up of the thread pool on this
/// 2-core machine costs ~200 µs of CPU, more than the sends it makes). The timer fires on a grid of
/// <see cref="StateSlots.Tick"/> and sends every key due by then, so quiet keys share its wake-ups (one timer per key,
/// a thousand wake-ups a second, cost as much as the deliveries it saved). A key goes out at its slot or at most two
/// ticks after it, never before. A key waits here once: scheduling it again while it waits for the same or a later
/// time changes nothing, as its flush looks at the key's slot again and schedules it anew if need be; scheduling it for
/// an earlier time (a key's expiry moved closer) brings it forward.
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

    // The earliest queued time (stale entries included, so never later than the earliest waiting key), read without
    // the lock by SendDue: a change made while nothing is due costs a clock read.
    private long _earliest = long.MaxValue;

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
                if (due < _earliest)
                {
                    Volatile.Write(ref _earliest, due);
                }

                ArmLocked(due);
                DropStaleLocked();
            }
        }
    }

    /// <summary>
    /// Sends the keys due by now on the caller's thread, at most <see cref="StateSlots.MaxSentByCaller"/>; the timer then
    /// waits for the next one. Called after a change, outside any room's lock (a flush takes its room's).
    /// </summary>
    public void SendDue()
    {
        var now = time.GetTimestamp();
        if (now < Volatile.Read(ref _earliest))
        {
            return;
        }

        List<(TRoom Room, string Key)> due;
        lock (_lock)
        {
            due = TakeDueLocked(now, StateSlots.MaxSentByCaller);
            if (due.Count == 0)
            {
                return;
            }

            // Pushed back: the timer is for keys no caller sends.
            RearmLocked();
        }

        FlushAll(due);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _waiting.Clear();
            _held.Clear();
            Volatile.Write(ref _earliest, long.MaxValue);
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

        Volatile.Write(ref _earliest, _waiting.TryPeek(out _, out var earliest) ? earliest : long.MaxValue);
    }

    private void ArmLocked(long due)
    {
        // A tick of grace for a caller to send it (SendDue), rounded up to the grid so keys due within one tick share a wake-up.
        var at = (due + (2 * _tickTicks) - 1) / _tickTicks * _tickTicks;
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

    /// <summary>Arms the timer for the earliest key still waiting (later than it was armed for, after keys left), or for nothing.</summary>
    private void RearmLocked()
    {
        _armedFor = long.MaxValue;
        if (_waiting.TryPeek(out _, out var next))
        {
            ArmLocked(next);
        }
        else
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Dequeues up to <paramref name="max"/> keys due by <paramref name="now"/>, skipping stale entries.</summary>
    private List<(TRoom Room, string Key)> TakeDueLocked(long now, int max)
    {
        List<(TRoom Room, string Key)> due = [];
        while (due.Count < max && _waiting.TryPeek(out var item, out var at) && at <= now)
        {
            _waiting.Dequeue();
            if (_held.TryGetValue(item, out var held) && held == at)
            {
                _held.Remove(item);
                due.Add(item);
            }
        }

        Volatile.Write(ref _earliest, _waiting.TryPeek(out _, out var earliest) ? earliest : long.MaxValue);
        return due;
    }

    private void Run()
    {
        List<(TRoom Room, string Key)> due;
        lock (_lock)
        {
            due = TakeDueLocked(time.GetTimestamp(), int.MaxValue);
            RearmLocked();
        }

        FlushAll(due);
    }

    // Outside the lock: a flush takes its room's lock, and may schedule the key again.
    private void FlushAll(List<(TRoom Room, string Key)> due)
    {
        foreach (var (room, key) in due)
        {
            flush(room, key);
        }
    }
}
