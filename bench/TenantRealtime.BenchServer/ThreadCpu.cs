using System.Runtime.InteropServices;

namespace TenantRealtime.BenchServer;

/// <summary>
/// The calling thread's own CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): what the producer spends, without the
/// time it was preempted or suspended for a GC, which a wall clock around the same code also counts.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>The calling thread's CPU time in nanoseconds, or 0 where the clock is not available.</summary>
    public static long NowNs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : 0;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
