using System.Diagnostics;
using System.Numerics;

namespace TenantRealtime.BenchServer;

/// <summary>
/// How long broadcast calls took, from the call until the task it returned completed: what an app awaiting
/// <c>BroadcastToTenantAsync</c> (or a group's <c>SendAsync</c>) waits. A log-linear histogram in nanoseconds, 16
/// buckets per power of two (within 6.25 %), thread-safe: a call that waits for nobody takes microseconds, one that
/// waits for a stalled reader's flush seconds, and both must be told apart in one histogram.
/// </summary>
internal sealed class CallLatency
{
    private const int SubBits = 4;
    private const int Sub = 1 << SubBits;
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly long[] _counts = new long[Sub + ((64 - SubBits) * Sub)];
    private long _count;
    private long _maxNs;

    public long Count => Interlocked.Read(ref _count);

    public double MaxMs => Interlocked.Read(ref _maxNs) / 1e6;

    /// <summary>Records one call that took <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void Record(long ticks)
    {
        var ns = Math.Max(0, (long)(ticks * NsPerTick));
        Interlocked.Increment(ref _counts[Index(ns)]);
        Interlocked.Increment(ref _count);
        long seen;
        while (ns > (seen = Interlocked.Read(ref _maxNs)) && Interlocked.CompareExchange(ref _maxNs, ns, seen) != seen)
        {
        }
    }

    /// <summary>The value at quantile <paramref name="q"/> in milliseconds (its bucket's upper bound, at most the
    /// maximum), or null when nothing was recorded.</summary>
    public double? QuantileMs(double q)
    {
        var total = Count;
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperNs(i), Interlocked.Read(ref _maxNs)) / 1e6;
            }
        }

        return MaxMs;
    }

    // Below 16 ns one bucket per nanosecond; above, 16 per power of two.
    private static int Index(long ns)
    {
        if (ns < Sub)
        {
            return (int)ns;
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)ns);
        var sub = (int)(ns >> (exponent - SubBits)) & (Sub - 1);
        return Sub + ((exponent - SubBits) * Sub) + sub;
    }

    private static long UpperNs(int index)
    {
        if (index < Sub)
        {
            return index;
        }

        var shift = (index - Sub) / Sub;
        var sub = (index - Sub) % Sub;
        return ((long)(Sub + sub + 1) << shift) - 1;
    }
}
