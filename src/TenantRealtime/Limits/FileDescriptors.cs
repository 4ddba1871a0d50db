using System.Globalization;

namespace TenantRealtime.Limits;

/// <summary>How many file descriptors the process may open and how many it has open, read from <c>/proc</c> (Linux).</summary>
internal readonly record struct FileDescriptors(long SoftLimit, int InUse)
{
    private const string OpenFilesRow = "Max open files";

    /// <summary>Reads this process's figures; null where <c>/proc</c> does not say (not Linux, unlimited, unreadable).</summary>
    public static FileDescriptors? ReadCurrentProcess()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var softLimit = ParseSoftLimit(File.ReadAllText("/proc/self/limits"));

            // The enumeration's own directory handle is counted too: one descriptor too many is the safe side.
            return softLimit is { } limit ? new FileDescriptors(limit, Directory.EnumerateFileSystemEntries("/proc/self/fd").Count()) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The soft limit of the <c>Max open files</c> row of a <c>/proc/[pid]/limits</c> text
    /// (<c>Max open files  1024  524288  files</c>); null when the row is missing, unlimited or malformed.
    /// </summary>
    public static long? ParseSoftLimit(string limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith(OpenFilesRow, StringComparison.Ordinal))
            {
                continue;
            }

            // The columns after the name: soft limit, hard limit, units.
            var columns = line[OpenFilesRow.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return columns.Length > 0 && long.TryParse(columns[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }

        return null;
    }
}
