namespace TenantRealtime.Diagnostics;

/// <summary>
/// For events an outsider can repeat at will (refused connections): the first is logged at once, then at most one
/// line per <see cref="Interval"/>, carrying how many happened since the last line, so a storm cannot flood the log.
/// </summary>
internal sealed class LogThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private const long NeverLogged = long.MinValue;
    private long _lastLogged = NeverLogged;
    private long _sinceLogged;

    /// <summary>Counts one event; true when it should be logged now, with <paramref name="count"/> events since the last line.</summary>
    public bool ShouldLog(out long count)
    {
        Interlocked.Increment(ref _sinceLogged);
        var now = time.GetTimestamp();
        var last = Volatile.Read(ref _lastLogged);
        if (last != NeverLogged && time.GetElapsedTime(last, now) < Interval)
        {
            count = 0;
            return false;
        }

        // One of the racing events wins the line; it reports every event counted since the last one.
        if (Interlocked.CompareExchange(ref _lastLogged, now, last) == last)
        {
            count = Interlocked.Exchange(ref _sinceLogged, 0);
            return true;
        }

        count = 0;
        return false;
    }
}
