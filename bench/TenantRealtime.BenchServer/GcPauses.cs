using System.Diagnostics.Tracing;

namespace TenantRealtime.BenchServer;

/// <summary>
/// Every garbage collection's pause, by generation, from the runtime's own GC events: the execution engine is
/// suspended (<c>GCSuspendEEBegin</c>) until it restarts (<c>GCRestartEEEnd</c>), and the collection started in
/// between (<c>GCStart</c>) says which generation it was. <see cref="GC.GetTotalPauseDuration"/> gives only the sum;
/// the tail of a large server comes from single long pauses, so the harness needs each generation's count and worst.
/// </summary>
internal sealed class GcPauses : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    // The runtime's event ids (ClrEtwAll.man): GCStart_V2, GCRestartEEEnd_V1, GCSuspendEEBegin_V1.
    private const int GcStart = 1;
    private const int RestartEnd = 3;
    private const int SuspendBegin = 9;

    private readonly Lock _gate = new();
    private readonly long[] _count = new long[3];
    private readonly long[] _totalTicks = new long[3];
    private readonly long[] _maxTicks = new long[3];
    private long _suspendedAt;
    private int _generation = -1;

    /// <summary>Forgets what was recorded so far: a drive reports its own pauses.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Array.Clear(_count);
            Array.Clear(_totalTicks);
            Array.Clear(_maxTicks);
        }
    }

    /// <summary>
    /// Gets, per generation 0, 1 and 2, the pauses recorded since <see cref="Reset"/>. Events arrive a little late
    /// (EventPipe dispatches them in batches), so read it after the window's messages drained, as the stats are.
    /// </summary>
    public IReadOnlyList<GenerationPauses> Snapshot()
    {
        lock (_gate)
        {
            return [.. Enumerable.Range(0, 3).Select(g => new GenerationPauses(
                g,
                _count[g],
                Math.Round(TimeSpan.FromTicks(_totalTicks[g]).TotalMilliseconds, 2),
                Math.Round(TimeSpan.FromTicks(_maxTicks[g]).TotalMilliseconds, 2)))];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // Runtime events reach a listener through EventPipe, dispatched later on another thread: only the event's
        // own time stamp says when it happened.
        var now = e.TimeStamp.Ticks;
        lock (_gate)
        {
            switch (e.EventId)
            {
                case SuspendBegin:
                    _suspendedAt = now;
                    _generation = -1;
                    break;
                case GcStart when e.Payload is { Count: > 1 } payload:
                    _generation = Math.Clamp(Convert.ToInt32(payload[1], System.Globalization.CultureInfo.InvariantCulture), 0, 2);
                    break;
                case RestartEnd when _suspendedAt != 0 && _generation >= 0:
                    var pause = now - _suspendedAt;
                    _count[_generation]++;
                    _totalTicks[_generation] += pause;
                    _maxTicks[_generation] = Math.Max(_maxTicks[_generation], pause);
                    _suspendedAt = 0;
                    break;
            }
        }
    }
}

/// <summary>One generation's pauses: how many, their sum and the longest, in milliseconds.</summary>
internal sealed record GenerationPauses(int Generation, long Count, double TotalMs, double MaxMs);
