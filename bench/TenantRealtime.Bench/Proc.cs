using System.Globalization;

namespace TenantRealtime.Bench;

/// <summary>Reads a process's own CPU time and memory from /proc (Linux).</summary>
internal static class Proc
{
    private static readonly Lazy<long> ClockTicks = new(() =>
    {
        // USER_HZ is 100 on every Linux the harness targets; getconf confirms it when available.
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
            var text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return long.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (Exception)
        {
            return 100;
        }
    });

    /// <summary>CPU time of <paramref name="micros"/> over <paramref name="seconds"/> of wall time, in percent of one core (one decimal).</summary>
    public static double CpuPercent(double micros, double seconds) => Math.Round(micros / 10_000.0 / Math.Max(seconds, 0.001), 1);

    /// <summary>utime + stime of the whole process (all threads, live and exited), in microseconds.</summary>
    public static long CpuMicros(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // After "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 (1-based) of the full line.
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) * 1_000_000 / ClockTicks.Value;
    }

    /// <summary>Resident set size in bytes (VmRSS), or the peak (VmHWM).</summary>
    public static long RssBytes(int pid, bool peak = false)
    {
        var key = peak ? "VmHWM:" : "VmRSS:";
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Voluntary + involuntary context switches summed over the process's live threads.</summary>
    public static long ContextSwitches(int pid)
    {
        long total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                            line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread exited while we read it.
                }
            }
        }
        catch (IOException)
        {
        }

        return total;
    }

    public static double[] LoadAverage()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
    }
}
