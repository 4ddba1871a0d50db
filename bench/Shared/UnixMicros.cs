namespace TenantRealtime.BenchShared;

/// <summary>
/// The payload's clock: the bench server stamps each message with it and the load client measures latency and
/// the measured window against it. Wall-clock UTC, not Stopwatch ticks, because those are per process; the
/// processes share the machine, so they share this clock. Linked into both projects so the two cannot drift.
/// </summary>
internal static class UnixMicros
{
    /// <summary>Now, in microseconds since the Unix epoch.</summary>
    public static long Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
