using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TenantRealtime.Bench;

/// <summary>The printed table of one or more runs.</summary>
internal static class Table
{
    private static readonly (string Header, string Key, string Format)[] Columns =
    [
        ("target", "target", ""),
        ("scenario", "scenario", ""),
        ("conns", "connections", "0"),
        ("tenants", "tenants", "0"),
        ("rate/s", "rate", "0"),
        ("delivered/s", "deliveredPerSec", "0"),
        ("p50 ms", "p50Ms", "0.00"),
        ("p99 ms", "p99Ms", "0.00"),
        ("p999 ms", "p999Ms", "0.00"),
        ("CPU µs/msg", "serverCpuUsPerMsg", "0.00"),
        ("RSS MB", "serverRssMb", "0.0"),
        ("KB/conn", "kbPerConnection", "0.0"),
        ("heap KB/conn", "heapKbPerConnection", "0.00"),
        ("conn/s", "connectPerSec", "0"),
        ("GC max ms", "serverGcMaxPauseMs", "0.0"),
        ("TP queue max", "threadPoolQueueMax", "0"),
        ("refused", "refused", "0"),
        ("errors", "errors", "0"),
    ];

    /// <summary>
    /// slow-consumer's own columns (its p50/p99 are the neighbours', the connections that read): the readers' offered
    /// rate, how long the producer's broadcast calls took until they completed, and how many of the stalled
    /// connections the server closed.
    /// </summary>
    private static readonly (string Header, string Key, string Format)[] SlowConsumerColumns =
    [
        ("offered/s", "offeredPerSec", "0"),
        ("call p50 ms", "broadcastCallP50Ms", "0.000"),
        ("call p99 ms", "broadcastCallP99Ms", "0.000"),
        ("call max ms", "broadcastCallMaxMs", "0.0"),
        ("stalled", "stalled", "0"),
        ("closed", "stalledClosed", "0"),
    ];

    /// <summary>
    /// Keyed drives (state-fanout, slow-consumer with --mode): the mode, changes issued per second, server CPU per
    /// change (delivered/s and CPU µs/msg above are per delivery), and keys some client did not end with.
    /// </summary>
    private static readonly (string Header, string Key, string Format)[] KeyedColumns =
    [
        ("mode", "mode", ""),
        ("changes/s", "changesPerSec", "0"),
        ("CPU µs/change", "serverCpuUsPerChange", "0.00"),
        ("net of pace", "serverCpuUsPerChangeNet", "0.00"),
        ("pace CPU %", "paceCpuPercent", "0.0"),
        ("final off", "finalMismatched", "0"),
    ];

    /// <summary>slow-consumer: the most bytes waiting to be written across connections, and connections cut off.</summary>
    private static readonly (string Header, string Key, string Format)[] BacklogColumns =
    [
        ("backlog peak KB", "sendBacklogPeakKb", "0"),
        ("cut off", "slowConsumerClosed", "0"),
    ];

    /// <summary>connect-storm with --state-keys: how the data was loaded, CPU per connect, and clients without it.</summary>
    private static readonly (string Header, string Key, string Format)[] StateStormColumns =
    [
        ("mode", "mode", ""),
        ("keys", "stateKeys", "0"),
        ("CPU µs/connect", "serverCpuUsPerConnect", "0"),
        ("storm s", "stormSeconds", "0.00"),
        ("incomplete", "stormIncomplete", "0"),
    ];

    /// <summary>Runs on Redis: how many servers, and what every redis-server of the run spent and held.</summary>
    private static readonly (string Header, string Key, string Format)[] ScaleOutColumns =
    [
        ("servers", "servers", "0"),
        ("redis CPU µs/msg", "redisCpuUsPerMsg", "0.00"),
        ("redis RSS MB", "redisRssMb", "0.0"),
    ];

    public static void Print(IEnumerable<JsonObject> runs)
    {
        var list = runs.ToList();
        var columns = Columns;
        if (list.Any(r => r["redisNodes"] is { } nodes && Number(nodes) > 0))
        {
            columns = [.. columns, .. ScaleOutColumns];
        }

        if (list.Any(r => (string?)r["scenario"] == Scenarios.SlowConsumer))
        {
            columns = [.. columns, .. SlowConsumerColumns, .. BacklogColumns];
        }

        if (list.Any(r => r["keyed"] is { } keyed && (bool)keyed))
        {
            columns = [.. columns, .. KeyedColumns];
        }

        if (list.Any(r => (string?)r["scenario"] == Scenarios.ConnectStorm && r["stateKeys"] is { } keys && Number(keys) > 0))
        {
            columns = [.. columns, .. StateStormColumns];
        }

        var rows = list.Select(r => columns.Select(c => Cell(r[c.Key], c.Format)).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join("  ", columns.Select((c, i) => c.Header.PadLeft(widths[i]))));
        foreach (var row in rows)
        {
            sb.AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadLeft(widths[i]))));
        }

        Console.Out.Write(sb.ToString());
    }

    public static string Cell(JsonNode? node, string format)
    {
        if (node is null)
        {
            return "-";
        }

        // Text is shown as it is: a run's target, or "max" for the rate of a rate search.
        if (format.Length == 0 || (node is JsonValue value && value.TryGetValue<string>(out _)))
        {
            return node.ToString();
        }

        return Number(node).ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>A JSON number as a double, whether it was written as an integer or not.</summary>
    public static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);
}
