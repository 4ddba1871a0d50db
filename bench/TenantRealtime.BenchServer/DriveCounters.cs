using System.Diagnostics;

namespace TenantRealtime.BenchServer;

/// <summary>What a drive did, summed over its producers (thread-safe).</summary>
/// <param name="timeCalls">Whether to time every broadcast call until its task completes (slow-consumer only: the
/// other scenarios keep the producer's loop exactly as it was, and their figures comparable).</param>
internal sealed class DriveCounters(bool timeCalls = false)
{
    private readonly List<long> _timeline = [];
    private long _broadcasts;
    private long _expected;
    private long _errors;
    private long _pending;
    private long _sendTicks;
    private long _waitTicks;
    private long _sendCpuNs;
    private long _skipped;
    private long _queueSamples;
    private long _queueSum;
    private long _queueMax;

    /// <summary>Gets how long each broadcast call took until its task completed, or null when not timed.</summary>
    public CallLatency? Calls { get; } = timeCalls ? new CallLatency() : null;

    public long Broadcasts => Interlocked.Read(ref _broadcasts);

    public long ExpectedDeliveries => Interlocked.Read(ref _expected);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Gets how many broadcasts did not complete at once (back-pressure).</summary>
    public long PendingBroadcasts => Interlocked.Read(ref _pending);

    /// <summary>Gets the time the producers spent inside the senders' calls: the synchronous part of every broadcast
    /// (the target's own code plus SignalR's writes into each recipient's pipe), by the wall clock.</summary>
    public double SendS => (double)Interlocked.Read(ref _sendTicks) / Stopwatch.Frequency;

    /// <summary>Gets the producers' own thread CPU time in their send loops (no preemption, no GC suspension).</summary>
    public double SendCpuS => Interlocked.Read(ref _sendCpuNs) / 1e9;

    /// <summary>Gets the deliveries a producer skipped because a waiting send had held it up for too long (slow-consumer).</summary>
    public long SkippedDeliveries => Interlocked.Read(ref _skipped);

    /// <summary>Gets the time the producers spent waiting for sends that did not complete at once.</summary>
    public double WaitS => (double)Interlocked.Read(ref _waitTicks) / Stopwatch.Frequency;

    public double ElapsedS { get; private set; }

    /// <summary>Gets the time the runtime was paused for garbage collections while the drive ran.</summary>
    public double GcPauseS { get; private set; }

    /// <summary>Gets the mean of the thread pool's queue length, sampled every 20 ms.</summary>
    public double ThreadPoolQueueMean => Interlocked.Read(ref _queueSamples) is > 0 and var n ? Math.Round((double)Interlocked.Read(ref _queueSum) / n, 1) : 0;

    /// <summary>Gets the longest thread-pool queue sampled.</summary>
    public long ThreadPoolQueueMax => Interlocked.Read(ref _queueMax);

    public IReadOnlyList<long> Timeline
    {
        get
        {
            lock (_timeline)
            {
                return [.. _timeline];
            }
        }
    }

    public void AddBatch(long broadcasts, long expected, long pending, long sendTicks, long sendCpuNs)
    {
        Interlocked.Add(ref _broadcasts, broadcasts);
        Interlocked.Add(ref _expected, expected);
        Interlocked.Add(ref _pending, pending);
        Interlocked.Add(ref _sendTicks, sendTicks);
        Interlocked.Add(ref _sendCpuNs, sendCpuNs);
    }

    public void AddQueueSample(long length)
    {
        Interlocked.Increment(ref _queueSamples);
        Interlocked.Add(ref _queueSum, length);
        if (length > Interlocked.Read(ref _queueMax))
        {
            Interlocked.Exchange(ref _queueMax, length);
        }
    }

    public void AddWait(long ticks) => Interlocked.Add(ref _waitTicks, ticks);

    public void AddSkipped(long deliveries) => Interlocked.Add(ref _skipped, deliveries);

    public void AddError() => Interlocked.Increment(ref _errors);

    public void AddSample(long broadcasts)
    {
        lock (_timeline)
        {
            _timeline.Add(broadcasts);
        }
    }

    public void Finish(double elapsedS, TimeSpan gcPause)
    {
        ElapsedS = elapsedS;
        GcPauseS = gcPause.TotalSeconds;
    }
}
