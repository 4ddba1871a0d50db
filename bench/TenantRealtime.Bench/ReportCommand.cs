using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TenantRealtime.Bench;

/// <summary>
/// <c>report --dir d [--baseline signalr] [--out table.md] [--svg chart.svg]</c>: reads every run JSON under a
/// directory (one compare session), takes the median of each (cell, target) over its samples, and writes the
/// side-by-side table with ratios to the baseline target of the same cell.
/// </summary>
internal static class ReportCommand
{
    private static readonly string[] Metrics = ["deliveredPerSec", "p50Ms", "p99Ms", "p999Ms", "serverCpuUsPerMsg", "redisCpuUsPerMsg", "serverRssMb", "kbPerConnection", "heapKbPerConnection", "connectPerSec", "refused", "errors", "clientCpuUsPerMsg", "serverGcPauseS", "serverGcMaxPauseMs", "threadPoolQueueMean", "threadPoolQueueMax", "serverAllocBytesPerMsg"];

    /// <summary>
    /// Where the tail comes from, per target: the load client's CPU (it shares the cores), the GC's pauses (the sum
    /// and the longest single pause) and the thread pool's queue, medians like the table above.
    /// </summary>
    private static void AppendTail(StringBuilder md, Dictionary<string, Dictionary<string, double?>> medians)
    {
        md.AppendLine("| target | client CPU µs/msg | server alloc B/msg | GC pause total ms | longest GC pause ms | thread-pool queue mean | thread-pool queue max |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (target, m) in medians.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var pauseMs = m["serverGcPauseS"] is { } s ? s * 1000 : (double?)null;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {F(m["clientCpuUsPerMsg"], "0.00")} | {F(m["serverAllocBytesPerMsg"], "0")} | {F(pauseMs, "0.0")} | {F(m["serverGcMaxPauseMs"], "0.0")} | {F(m["threadPoolQueueMean"], "0.0")} | {F(m["threadPoolQueueMax"], "0")} |");
        }

        md.AppendLine();
    }

    /// <summary>
    /// reconnect-storm, medians per target: how long until every client was back (and, for TenantRealtime, resumed),
    /// how many rooms were recovered or told to reload, refusals retried, errors, server CPU and memory.
    /// </summary>
    private static void AppendReconnectStorm(StringBuilder md, Dictionary<string, List<JsonObject>> byTarget)
    {
        md.AppendLine("| target | clients | back | recovered | reload | seconds until all back | refused, retried | errors | server CPU s | CPU µs per reconnect | RSS before MB | peak RSS MB |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (target, runs) in byTarget.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string M(string key, string format) => F(Median(runs, key), format);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {M("stormClients", "0")} | {M("stormBack", "0")} | {M("stormRecovered", "0")} | {M("stormReloaded", "0")} | {M("stormSeconds", "0.00")} | {M("stormRefused", "0")} | {M("errors", "0")} | {M("serverCpuS", "0.00")} | {M("serverCpuUsPerConnect", "0")} | {M("stormRssBeforeMb", "0.0")} | {M("stormPeakRssMb", "0.0")} |");
        }

        md.AppendLine();
    }

    /// <summary>
    /// Keyed data (issue 30), medians per target: state-fanout and slow-consumer with --mode (changes per second,
    /// deliveries, server CPU per change and per delivery, latency, keys some client did not end with; slow-consumer
    /// also the backlog's peak and connections cut off), and connect-storm with --state-keys (CPU per connect until
    /// every client held its data, the storm's seconds, clients without their data).
    /// </summary>
    private static void AppendKeyed(StringBuilder md, Dictionary<string, List<JsonObject>> byTarget, bool storm, string baseline)
    {
        // The issue's targets compare total server CPU for the same changes (or connects): per change, not per delivery.
        var cpuKey = storm ? "serverCpuUsPerConnect" : "serverCpuUsPerChange";
        var baseCpu = byTarget.TryGetValue(baseline, out var baseRuns) ? Median(baseRuns, cpuKey) : null;

        // state-fanout: also per change net of the producer's own loop (measured alone at the same pace in each run).
        var baseNet = baseRuns is null ? null : Median(baseRuns, "serverCpuUsPerChangeNet");
        if (storm)
        {
            md.AppendLine("Connect storm with keyed data: a connect counts once the client holds its tenant's keys (state event or REST GET).");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| target | mode | keys | connects | server CPU µs per connect | CPU ratio to {baseline} | storm s | connects/s | clients without their data | errors |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        }
        else
        {
            md.AppendLine("Keyed changes: a change is one SetAsync (state) or one tenant broadcast (broadcast); final off = keys some client did not end with.");
            md.AppendLine();
            md.AppendLine("Net of pace: server CPU per change less the producer's own loop, measured alone at the same pace after each window (pace CPU %).");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| target | mode | changes/s | delivered/s | server CPU µs per change | CPU ratio to {baseline} | net of pace µs per change | net ratio | pace CPU % | server CPU µs per delivery | p50 ms | p99 ms | final off | backlog peak KB | cut off | errors |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        }

        foreach (var (target, runs) in byTarget.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string M(string metric, string format) => F(Median(runs, metric), format);
            var mode = (string?)runs[0]["mode"] ?? "-";
            var row = storm
                ? FormattableString.Invariant($"| {target} | {mode} | {M("stateKeys", "0")} | {M("connects", "0")} | {M("serverCpuUsPerConnect", "0")} | {Ratio(Median(runs, cpuKey), baseCpu)} | {M("stormSeconds", "0.00")} | {M("connectPerSec", "0")} | {M("stormIncomplete", "0")} | {M("errors", "0")} |")
                : FormattableString.Invariant($"| {target} | {mode} | {M("changesPerSec", "0")} | {M("deliveredPerSec", "0")} | {M("serverCpuUsPerChange", "0.00")} | {Ratio(Median(runs, cpuKey), baseCpu)} | {M("serverCpuUsPerChangeNet", "0.00")} | {Ratio(Median(runs, "serverCpuUsPerChangeNet"), baseNet)} | {M("paceCpuPercent", "0.0")} | {M("serverCpuUsPerMsg", "0.00")} | {M("p50Ms", "0.00")} | {M("p99Ms", "0.00")} | {M("finalMismatched", "0")} | {M("sendBacklogPeakKb", "0")} | {M("slowConsumerClosed", "0")} | {M("errors", "0")} |");
            md.AppendLine(row);
        }

        md.AppendLine();
    }

    public static int Run(CommandLine c)
    {
        var dir = c.Get("dir") ?? throw new ArgumentException("--dir is required.");
        var baseline = c.Get("baseline", Targets.SignalR);
        var runs = Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories)
            .Select(f => JsonNode.Parse(File.ReadAllText(f)) as JsonObject)
            .Where(r => r?["target"] is not null)
            .Select(r => r!)
            .ToList();
        if (runs.Count == 0)
        {
            throw new ArgumentException($"no run JSON under {dir}.");
        }

        var cells = runs
            .GroupBy(r => $"{r["scenario"]} · {r["connections"]} conns / {r["tenants"]} tenants · {RateText(r)}{ProducersText(r)}{PayloadText(r)}{StalledText(r)}{KeysText(r)}")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var md = new StringBuilder();
        var chart = new List<(string Cell, string Target, double Cpu, double? P99)>();
        foreach (var cell in cells)
        {
            var byTarget = cell.GroupBy(Key).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var medians = byTarget.ToDictionary(kv => kv.Key, kv => Metrics.ToDictionary(m => m, m => Median(kv.Value, m)), StringComparer.Ordinal);
            foreach (var (key, m) in medians)
            {
                // A connect storm delivers nothing: its CPU column is per connect (including the disconnect).
                m["serverCpuUsPerMsg"] ??= Median(byTarget[key], "serverCpuUsPerConnect");
                m["redisCpuUsPerMsg"] ??= Median(byTarget[key], "redisCpuUsPerConnect");
            }

            // A session driven only by the Node client has "signalr[node]", not "signalr": compare with that.
            var baseKey = medians.ContainsKey(baseline) ? baseline : $"{baseline}[{Clients.Node}]";
            var hasBase = medians.TryGetValue(baseKey, out var b);
            md.AppendLine(CultureInfo.InvariantCulture, $"### {cell.Key}");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Medians of {string.Join(", ", byTarget.Select(kv => $"{kv.Value.Count} × {kv.Key}"))}; ratios are to `{(hasBase ? baseKey : baseline)}` in the same session.");
            md.AppendLine();
            md.AppendLine("| target | delivered/s | p50 ms | p99 ms | p999 ms | server CPU µs/msg (storm: per connect) | redis CPU µs/msg | RSS MB | KB/conn (idle) | heap KB/conn | connects/s | refused, retried | errors | CPU ratio | throughput ratio | p99 ratio | Δ KB/conn | Δ heap KB/conn |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var target in medians.Keys.OrderBy(k => Array.IndexOf(Targets.All, TargetOf(k))).ThenBy(k => k, StringComparer.Ordinal))
            {
                var m = medians[target];
                md.Append(CultureInfo.InvariantCulture, $"| {target} | {F(m["deliveredPerSec"], "0")} | {F(m["p50Ms"], "0.00")} | {F(m["p99Ms"], "0.00")} | {F(m["p999Ms"], "0.00")} | {F(m["serverCpuUsPerMsg"], "0.00")} | {F(m["redisCpuUsPerMsg"], "0.00")} | {F(m["serverRssMb"], "0.0")} | {F(m["kbPerConnection"], "0.0")} | {F(m["heapKbPerConnection"], "0.00")} | {F(m["connectPerSec"], "0")} | {F(m["refused"], "0")} | {F(m["errors"], "0")} |");
                md.AppendLine(hasBase
                    ? $" {Ratio(m["serverCpuUsPerMsg"], b!["serverCpuUsPerMsg"])} | {Ratio(m["deliveredPerSec"], b["deliveredPerSec"])} | {Ratio(m["p99Ms"], b["p99Ms"])} | {Delta(m["kbPerConnection"], b["kbPerConnection"])} | {Delta(m["heapKbPerConnection"], b["heapKbPerConnection"], "0.00")} |"
                    : " - | - | - | - | - |");
                if (m["serverCpuUsPerMsg"] is { } cpu)
                {
                    chart.Add((cell.Key, target, cpu, m["p99Ms"]));
                }
            }

            md.AppendLine();
            if (cell.Any(r => r["serverGcMaxPauseMs"] is not null))
            {
                AppendTail(md, medians);
            }

            if (cell.Any(r => r["search"] is not null))
            {
                AppendSearchSteps(md, byTarget);
            }

            if (cell.Any(r => (string?)r["scenario"] == Scenarios.SlowConsumer))
            {
                AppendSlowConsumer(md, byTarget);
            }

            if (cell.Any(r => (string?)r["scenario"] == Scenarios.ReconnectStorm))
            {
                AppendReconnectStorm(md, byTarget);
            }

            if (cell.Any(r => r["keyed"] is { } keyed && (bool)keyed))
            {
                AppendKeyed(md, byTarget, storm: false, baseKey);
            }

            if (cell.Any(r => (string?)r["scenario"] == Scenarios.ConnectStorm && r["stateKeys"] is { } keys && Table.Number(keys) > 0))
            {
                AppendKeyed(md, byTarget, storm: true, baseKey);
            }
        }

        var text = md.ToString();
        Console.Out.Write(text);
        if (c.Get("out") is { } outPath)
        {
            File.WriteAllText(outPath, text);
        }

        if (c.Get("svg") is { } svgPath)
        {
            File.WriteAllText(svgPath, Chart.Svg(chart, c.Get("title", "Server CPU per delivered message (lower is better)")));
        }

        return 0;
    }

    /// <summary>
    /// The steps of a rate search side by side: at each rate, how many runs of each target kept it, and the medians of
    /// their CPU and latency there. Each target's sustained rate differs, so the cell's CPU column compares costs at
    /// different rates; this table compares them at the same one.
    /// </summary>
    private static void AppendSearchSteps(StringBuilder md, Dictionary<string, List<JsonObject>> byTarget)
    {
        var steps = byTarget.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.SelectMany(r => r["search"]?["steps"]?.AsArray() ?? []).OfType<JsonObject>().ToList(),
            StringComparer.Ordinal);
        var rates = steps.Values.SelectMany(s => s).Select(s => Table.Number(s["rate"]!)).Distinct().Order().ToList();
        md.AppendLine("Every step, per rate: runs that kept it / runs that tried it, and medians there.");
        md.AppendLine();
        md.AppendLine("| rate/s | target | kept | server CPU µs/msg | client CPU µs/msg | server + client | p50 ms | p99 ms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var rate in rates)
        {
            foreach (var (target, all) in steps.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var at = all.Where(s => Table.Number(s["rate"]!) == rate).ToList();
                if (at.Count == 0)
                {
                    continue;
                }

                var kept = at.Count(s => (bool?)s["sustained"] == true);
                var total = at.Where(s => s["serverCpuUsPerMsg"] is not null && s["clientCpuUsPerMsg"] is not null)
                    .Select(s => new JsonObject { ["sum"] = Table.Number(s["serverCpuUsPerMsg"]!) + Table.Number(s["clientCpuUsPerMsg"]!) })
                    .ToList();
                md.AppendLine(CultureInfo.InvariantCulture, $"| {rate:0} | {target} | {kept}/{at.Count} | {F(Median(at, "serverCpuUsPerMsg"), "0.00")} | {F(Median(at, "clientCpuUsPerMsg"), "0.00")} | {F(Median(total, "sum"), "0.00")} | {F(Median(at, "p50Ms"), "0")} | {F(Median(at, "p99Ms"), "0")} |");
            }
        }

        md.AppendLine();
    }

    /// <summary>
    /// slow-consumer's own figures side by side: what the neighbours (the connections that read) got against what they
    /// were offered, how long the producer's broadcast calls took until they completed, the server's RSS at the end,
    /// and how many of the stalled connections the server closed.
    /// </summary>
    private static void AppendSlowConsumer(StringBuilder md, Dictionary<string, List<JsonObject>> byTarget)
    {
        md.AppendLine("Stalled readers: p50/p99 are the neighbours' (connections that read); a call is one broadcast until its task completed; closed = stalled connections the server closed during the window, after a median of the last column's seconds.");
        md.AppendLine();
        md.AppendLine("| target | offered/s | delivered/s | neighbours p50 ms | neighbours p99 ms | call p50 ms | call p99 ms | call max ms | RSS MB (end) | closed / stalled | closed after s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (target, runs) in byTarget.OrderBy(kv => Array.IndexOf(Targets.All, TargetOf(kv.Key))).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string M(string metric, string format) => F(Median(runs, metric), format);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {M("offeredPerSec", "0")} | {M("deliveredPerSec", "0")} | {M("p50Ms", "0.00")} | {M("p99Ms", "0.00")} | {M("broadcastCallP50Ms", "0.000")} | {M("broadcastCallP99Ms", "0.000")} | {M("broadcastCallMaxMs", "0.0")} | {M("serverRssMb", "0.0")} | {M("stalledClosed", "0")} / {M("stalled", "0")} | {M("stalledClosedAfterS", "0.0")} |");
        }

        md.AppendLine();
    }

    /// <summary>
    /// A run's column: its label (compare.sh sets "target", "target:servers" or "target@profile"), else its target;
    /// plus ":N" when it ran another number of servers than its target's default and the label does not say so, and
    /// "[node]" when a .NET target was driven by the Node client, so runs of different shapes or clients are never
    /// medians of one another. socketio always has a Node client and keeps its plain key; runs from before
    /// <c>client</c> was recorded are .NET, and runs from before <c>servers</c> was recorded ran the default.
    /// </summary>
    private static string Key(JsonObject r)
    {
        var target = (string)r["target"]!;
        // An unlabelled keyed run names its mode (compare.sh labels runs by their profile, e.g. "tenantrealtime@state").
        var mode = (string?)r["mode"];
        var key = (string?)r["label"] ?? ((r["keyed"] is { } keyed && (bool)keyed) || (r["stateKeys"] is { } keys && Table.Number(keys) > 0) ? $"{target}@{mode}" : target);
        var servers = r["servers"] is { } s ? (int)Table.Number(s) : Targets.DefaultServers(target);
        if (servers != Targets.DefaultServers(target) && !key.Contains(':', StringComparison.Ordinal))
        {
            var end = key.IndexOfAny(['@', '[']);
            key = key.Insert(end < 0 ? key.Length : end, $":{servers.ToString(CultureInfo.InvariantCulture)}");
        }

        return (string?)r["client"] == Clients.Node && target != Targets.SocketIo ? $"{key}[{Clients.Node}]" : key;
    }

    /// <summary>The target a column key starts with ("signalr@default[node]" and "signalr-redis:3" are signalr and signalr-redis), for ordering and colours.</summary>
    public static string TargetOf(string key) => key.Split('@', '[', ':')[0];

    private static string RateText(JsonObject r) =>
        (string?)r["scenario"] == Scenarios.ConnectStorm ? "connect storm"
        : r["search"] is { } search ? $"highest sustained rate (p99 ≤ {(double)search["maxP99Ms"]!:0} ms)"
        : (double)r["rate"]! <= 0 ? "unpaced" : $"{(double)r["rate"]!:0} deliveries/s";

    // Runs from before --producers had one producer; say so only when there were more.
    private static string ProducersText(JsonObject r) =>
        r["producers"] is { } p && Table.Number(p) > 1 ? $" · {Table.Number(p):0} producers" : string.Empty;

    // Runs from before --payload-bytes had the default padding; say so only when it was another.
    private static string PayloadText(JsonObject r) =>
        r["payloadBytes"] is { } p && Table.Number(p) != RunOptions.DefaultPayloadBytes ? $" · {Table.Number(p):0}-byte padding" : string.Empty;

    // Keyed runs: keys per tenant (state-fanout's round-robin, or a connect storm's filled keys).
    private static string KeysText(JsonObject r) =>
        r["stateKeys"] is { } k && Table.Number(k) > 0 ? $" · {Table.Number(k):0} keys per tenant" : string.Empty;

    private static string StalledText(JsonObject r) =>
        r["stalled"] is { } s && Table.Number(s) > 0 ? $" · {Table.Number(s):0} stalled" : string.Empty;

    private static double? Median(List<JsonObject> runs, string metric)
    {
        var values = runs.Select(r => r[metric]).Where(n => n is not null).Select(n => Table.Number(n!)).Order().ToList();
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? (v / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "-";

    private static string Delta(double? value, double? baseline, string digits = "0.0") =>
        value is { } v && baseline is { } b ? (v - b).ToString($"+{digits};-{digits};{digits}", CultureInfo.InvariantCulture) : "-";
}
