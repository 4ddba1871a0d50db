namespace TenantRealtime.Bench;

/// <summary>Latency histogram in microseconds: 10 µs buckets to 100 ms, then 1 ms buckets to 60 s. Thread-safe.</summary>
internal sealed class Histogram
{
    private const int FineBuckets = 10_000;          // 0..100 ms in 10 µs steps
    private const int CoarseBuckets = 59_900;        // 100 ms..60 s in 1 ms steps
    private readonly long[] _counts = new long[FineBuckets + CoarseBuckets + 1];
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public void Record(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }

        var index = micros < 100_000 ? (int)(micros / 10) : (int)Math.Min(FineBuckets + ((micros - 100_000) / 1000), _counts.Length - 1);
        Interlocked.Increment(ref _counts[index]);
        Interlocked.Increment(ref _count);
        long seen;
        while (micros > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, seen) != seen)
        {
        }
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _max, 0);
    }

    public double MaxMs => Interlocked.Read(ref _max) / 1000.0;

    /// <summary>The value at quantile <paramref name="q"/> in milliseconds (bucket upper bound), or null when empty.</summary>
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
                var upperMicros = i < FineBuckets ? (i + 1) * 10L : 100_000L + ((i - FineBuckets + 1) * 1000L);
                return upperMicros / 1000.0;
            }
        }

        return MaxMs;
    }
}
