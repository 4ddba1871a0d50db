namespace TenantRealtime.Bench;

/// <summary>
/// Whether this machine can hold a cell: every connection is an open file in the server and in the load client, and
/// the hard limit (<c>ulimit -Hn</c>) is one that even root may not raise on some machines. A cell above it is refused
/// up front with the numbers, rather than dying half-way (at 20,000 connections under a 20,000 limit every server
/// did); it runs where the limit permits.
/// </summary>
internal static class DescriptorLimit
{
    // What a server or client process opens besides its connections (runtime, logs, listeners, Redis), with room.
    public const int Headroom = 1_000;

    /// <summary>Throws when <paramref name="connections"/> per process (plus headroom) exceed the hard limit.</summary>
    public static void Check(int connections, int processes)
    {
        var perProcess = (connections + processes - 1) / processes + Headroom;
        if (Hard() is { } hard && perProcess > hard)
        {
            throw new ArgumentException(
                $"this cell needs about {perProcess:N0} open files per process ({connections:N0} connections + {Headroom:N0}), more than this " +
                $"machine's hard limit (ulimit -Hn) of {hard:N0}; the largest cell here is {hard - Headroom:N0} connections per server.");
        }
    }

    /// <summary>The hard limit on open files of this process (children inherit it), or null when unlimited or unknown.</summary>
    public static long? Hard()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: >= 5 } && long.TryParse(fields[4], out var hard) ? hard : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
