using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>
/// Measures one window of a delivery scenario on running servers and a connected load client: drive the servers at
/// a rate for a while, wait for every message the window sent, and read CPU, latency and the producer's figures.
/// </summary>
internal sealed class Window(HttpClient http, List<string> urls, List<Child> servers, Child client, RedisBackplane? redis, RunOptions o)
{
    /// <summary>A warm-up round compiling fewer methods than this (servers and .NET client together) ends the warm-up.</summary>
    public const int SettledBelow = 20;

    /// <summary>Warm-up rounds after the first period, at most, unless <c>--settle-rounds</c> says otherwise.</summary>
    public const int MaxSettleRounds = 15;

    private const double SettleRoundS = 2;

    /// <summary>
    /// Runs the scenario at <paramref name="rate"/> for <paramref name="seconds"/>, unmeasured, then in further rounds
    /// until the JIT has settled: a round (2 s of load, then 1 s idle) in which the .NET processes compiled fewer than
    /// <see cref="SettledBelow"/> methods. Code that has not tiered up yet (tier 0, then instrumented, then optimized)
    /// runs slower than it does once a server has run a while; the shared framework starts precompiled (ReadyToRun)
    /// and a library does not, so a window opened too early favours the bare hub. Under full load the JIT's background
    /// thread gets little CPU, hence the idle second. Each round's messages arrive before the next starts.
    /// </summary>
    /// <returns>The warm-up's length, rounds and the last round's compiled methods, for the run's JSON.</returns>
    public async Task<JsonObject> WarmUpAsync(double rate, double seconds)
    {
        await client.AskAsync("reset 0", "reset", BenchRun.Slow);
        var clock = Stopwatch.StartNew();
        await DrainAsync((long)(await DriveAsync(Drive(rate), seconds))["expectedDeliveries"]!);
        var rounds = 0;
        double? compiled = null;
        while (rounds < o.SettleRounds && await JitMethodsAsync() is { } before)
        {
            var round = await DriveAsync(Drive(rate), SettleRoundS);
            await DrainAsync((long)round["expectedDeliveries"]!);
            await Task.Delay(1000);
            rounds++;
            compiled = await JitMethodsAsync() - before;
            if (compiled < SettledBelow)
            {
                break;
            }
        }

        return new JsonObject
        {
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["settleRounds"] = rounds,
            ["lastRoundJitMethods"] = compiled,
        };
    }

    /// <summary>One measured window; the JSON members of a run that describe deliveries.</summary>
    public async Task<JsonObject> MeasureAsync(double rate, double seconds)
    {
        // The window counts only messages the server sent in it (payload timestamp from now on), each one however
        // late it arrives: a backlog left before it is not counted, and its own backlog is not cut off.
        await client.AskAsync(FormattableString.Invariant($"reset {UnixMicros.Now()}"), "reset", BenchRun.Slow);
        var cpu0 = CpuEach();
        var clientCpu0 = Proc.CpuMicros(client.Pid);
        var ctx0 = servers.Sum(s => Proc.ContextSwitches(s.Pid));
        var redisCpu0 = redis?.CpuMicros();
        var commands0 = redis is null ? null : await redis.CommandStatsAsync();
        var before = await http.GetFromJsonAsync<JsonObject>(new Uri($"{urls[0]}/bench/stats"));
        var allocated0 = await AllocatedEachAsync();
        var stats = await DriveAsync(Drive(rate), seconds);

        // The window's messages still in flight are sent and received now; that CPU is theirs.
        var expected = (long)stats["expectedDeliveries"]!;
        var report = await DrainAsync(expected);
        var allocated1 = await AllocatedEachAsync();
        var cpuEach = CpuEach().Zip(cpu0, (after, before) => after - before).ToList();
        var cpuMicros = cpuEach.Sum();
        var clientCpuMicros = Proc.CpuMicros(client.Pid) - clientCpu0;
        var ctx = servers.Sum(s => Proc.ContextSwitches(s.Pid)) - ctx0;
        double? redisCpuMicros = redis?.CpuMicros() - redisCpu0;
        var commands1 = redis is null ? null : await redis.CommandStatsAsync();
        var elapsed = (double)stats["elapsedS"]!;
        var broadcasts = (long)stats["broadcasts"]!;
        var delivered = (long)report["received"]!;
        var disconnects = (long)report["disconnects"]!;
        double? PerMessage(double? micros, int digits = 2) => micros is { } m && delivered > 0 ? Math.Round(m / delivered, digits) : null;
        double? PerBroadcast(JsonNode? seconds) => seconds is not null && broadcasts > 0 ? Math.Round((double)seconds * 1e6 / broadcasts, 2) : null;

        var window = new JsonObject
        {
            ["deliveredPerSec"] = Math.Round(delivered / elapsed, 2),
            ["delivered"] = delivered,
            ["expectedDeliveries"] = expected,
            ["broadcasts"] = broadcasts,
            ["elapsedS"] = Math.Round(elapsed, 3),
            ["p50Ms"] = report["p50Ms"]?.DeepClone(),
            ["p99Ms"] = report["p99Ms"]?.DeepClone(),
            ["p999Ms"] = report["p999Ms"]?.DeepClone(),
            ["maxMs"] = report["maxMs"]?.DeepClone(),
            ["serverCpuUsPerMsg"] = PerMessage(cpuMicros),
            ["serverCpuPercent"] = Proc.CpuPercent(cpuMicros, elapsed),

            // Several servers: each one's share of serverCpuUsPerMsg, the first (which issues the broadcasts) first.
            ["serverCpuUsPerMsgEach"] = new JsonArray([.. cpuEach.Select(c => (JsonNode?)PerMessage(c))]),
            ["ctxSwitchesPerMsg"] = PerMessage(ctx, 3),

            // Managed bytes the servers allocated per delivered message (the GC's work); null for Node servers.
            ["serverAllocBytesPerMsg"] = allocated0 is null || allocated1 is null ? null : PerMessage(allocated1.Zip(allocated0, (a, b) => (double)(a - b)).Sum(), 0),

            // Server and load client share the cores: what the client spends per message is not the server's.
            ["clientCpuUsPerMsg"] = PerMessage(clientCpuMicros),
            // Every redis-server of the run (one, or each master of the cluster) summed; null without Redis.
            ["redisCpuUsPerMsg"] = PerMessage(redisCpuMicros),

            // Per command, the window's calls per broadcast and time inside the command per delivery (a script's
            // own commands count inside it): how many requests a broadcast costs, and what is left for I/O.
            ["redisCommands"] = commands1 is null ? null : RedisCommands(commands0!, commands1, broadcasts, delivered),
            ["serverGcCollections"] = GcCollections(before, stats),
            ["serverGcPauseS"] = stats["gcPauseS"]?.DeepClone(),

            // Each generation's pauses (count, sum, longest ms) and the longest of all: at large heaps the tail comes
            // from single long pauses, which the sum hides.
            ["serverGcPauses"] = stats["gcPausesByGeneration"]?.DeepClone(),
            ["serverGcMaxPauseMs"] = stats["gcPausesByGeneration"] is JsonArray gens && gens.Count > 0 ? gens.Max(g => (double)g!["maxMs"]!) : null,

            // Work items waiting for a thread, sampled every 20 ms while the drive ran.
            ["threadPoolQueueMean"] = stats["threadPoolQueueMean"]?.DeepClone(),
            ["threadPoolQueueMax"] = stats["threadPoolQueueMax"]?.DeepClone(),

            // The producer: the synchronous part of each broadcast (the target's code and the writes into each
            // recipient's pipe), by the wall clock and by its thread's own CPU time, and the time it waited on
            // back-pressured sends.
            ["sendUsPerBroadcast"] = PerBroadcast(stats["sendS"]),
            ["sendCpuUsPerBroadcast"] = PerBroadcast(stats["sendCpuS"]),
            ["driverWaitS"] = stats["waitS"]?.DeepClone(),
            ["pendingBroadcasts"] = stats["pendingBroadcasts"]?.DeepClone(),

            // Thread-pool work items per delivered message: how often a send had to schedule a send loop (few when
            // each send loop finds several messages waiting), and the pool's size before and after the window.
            ["workItemsPerMsg"] = before?["workItems"] is { } w0 && stats["workItems"] is { } w1 ? PerMessage((long)w1 - (long)w0, 3) : null,
            ["threadPoolThreads"] = new JsonArray(before?["threadPoolThreads"]?.DeepClone(), stats["threadPoolThreads"]?.DeepClone()),
            ["broadcastsPerHalfSecond"] = stats["timeline"]?.DeepClone(),

            // Methods the JIT compiled during the window, and its time: code still tiering up (tier 0 → instrumented →
            // optimized) runs slower than it will once the server has run a while.
            ["jitMethods"] = Delta(before?["jitMethods"], stats["jitMethods"]),
            ["jitMs"] = Delta(before?["jitMs"], stats["jitMs"]) is { } jitMs ? Math.Round(jitMs, 1) : null,
            ["disconnects"] = disconnects,
            ["lost"] = Math.Max(0, expected - delivered),
            ["errors"] = (long)report["errors"]! + disconnects + (long)stats["errors"]!,
        };

        if (o.Keyed)
        {
            // A change is one SetAsync (state) or one broadcast (broadcast); the rate bound merges state changes, so
            // deliveries fall short of the offered fan-out by design, and what counts is that every client ends with
            // each key's last value: a key a client does not hold is an error (and "lost").
            var mismatched = (long)report["finalMismatched"]!;
            window["changes"] = broadcasts;
            window["changesPerSec"] = Math.Round(broadcasts / elapsed, 2);
            window["offeredDeliveries"] = expected;
            window["serverCpuUsPerChange"] = broadcasts > 0 ? Math.Round((double)cpuMicros / broadcasts, 2) : null;
            if (o.Scenario == Scenarios.StateFanout)
            {
                // The producer's own loop (a wake-up every millisecond, in either mode) is the app's cost, not the
                // changes': measured alone at the same pace right after, and taken off per change (its CPU for the
                // window's drive time; the drain after the drive stays counted).
                var (paceMicros, paceElapsed) = await PaceFloorAsync(rate, seconds);
                var floor = paceMicros * elapsed / Math.Max(paceElapsed, 0.001);
                window["paceCpuPercent"] = Proc.CpuPercent(paceMicros, paceElapsed);
                window["serverCpuUsPerChangeNet"] = broadcasts > 0 ? Math.Round((cpuMicros - floor) / broadcasts, 2) : null;
            }

            window["finalKeys"] = report["finalKeys"]?.DeepClone();
            window["finalMismatched"] = mismatched;
            window["finalConnectionsMismatched"] = report["finalConnectionsMismatched"]?.DeepClone();
            window["finalValuesMatched"] = mismatched == 0;
            window["lost"] = mismatched;
            window["errors"] = (long)window["errors"]! + mismatched;
        }

        // slow-consumer: how long each broadcast call took until its task completed, i.e. what an app awaiting it
        // waited (the server times calls in that scenario only).
        if (stats["broadcastCalls"] is JsonObject calls)
        {
            window["broadcastCalls"] = calls["count"]?.DeepClone();
            window["broadcastCallP50Ms"] = Rounded(calls["p50Ms"], 3);
            window["broadcastCallP99Ms"] = Rounded(calls["p99Ms"], 3);
            window["broadcastCallMaxMs"] = Rounded(calls["maxMs"], 3);

            // Deliveries the producer did not issue because a waiting call had held it up for over a second.
            window["skippedDeliveries"] = stats["skippedDeliveries"]?.DeepClone();

            // The paused readers' cost on the server: the most bytes waiting to be written across connections during
            // the drive (tenantrealtime.send.backlog, sampled every 50 ms; 0 for the bare hub, which has no such
            // gauge), and the connections the server closed as slow-consumer in the window.
            window["sendBacklogPeakKb"] = stats["sendBacklogPeakBytes"] is { } peak ? Math.Round(Table.Number(peak) / 1024, 1) : null;
            window["slowConsumerClosed"] = Delta(before?["slowConsumerClosed"], stats["slowConsumerClosed"]);
        }

        return window;
    }

    private static JsonObject RedisCommands(Dictionary<string, (long Calls, long Micros)> before, Dictionary<string, (long Calls, long Micros)> after, long broadcasts, long delivered)
    {
        var commands = new JsonObject();
        foreach (var (name, (calls, micros)) in after.OrderByDescending(c => c.Value.Micros))
        {
            var (calls0, micros0) = before.GetValueOrDefault(name);
            if (calls - calls0 <= 0)
            {
                continue;
            }

            commands[name] = new JsonObject
            {
                ["calls"] = calls - calls0,
                ["callsPerBroadcast"] = broadcasts > 0 ? Math.Round((calls - calls0) / (double)broadcasts, 3) : null,
                ["usPerCall"] = Math.Round((micros - micros0) / (double)(calls - calls0), 2),
                ["usPerMsg"] = delivered > 0 ? Math.Round((micros - micros0) / (double)delivered, 3) : null,
            };
        }

        return commands;
    }

    /// <summary>Each server's allocated bytes so far, or null when a server does not report them (Node).</summary>
    private async Task<List<long>?> AllocatedEachAsync()
    {
        var each = new List<long>(urls.Count);
        foreach (var url in urls)
        {
            var stats = await http.GetFromJsonAsync<JsonObject>(new Uri($"{url}/bench/stats"));
            if (stats?["allocatedBytes"] is not { } bytes)
            {
                return null;
            }

            each.Add((long)bytes);
        }

        return each;
    }

    private static double? Rounded(JsonNode? value, int digits) => value is null ? null : Math.Round(Table.Number(value), digits);

    /// <summary>Methods the JIT has compiled in the servers and the .NET load client, or null for Node processes.</summary>
    private async Task<double?> JitMethodsAsync()
    {
        double total = 0;
        foreach (var url in urls)
        {
            var stats = await http.GetFromJsonAsync<JsonObject>(new Uri($"{url}/bench/stats"));
            if (stats?["jitMethods"] is not { } methods)
            {
                return null;
            }

            total += Table.Number(methods);
        }

        var report = await client.AskAsync("report", "report", BenchRun.Slow);
        return report["jitMethods"] is { } clientMethods ? total + Table.Number(clientMethods) : total;
    }

    private static double? Delta(JsonNode? before, JsonNode? after) =>
        before is null || after is null ? null : Table.Number(after) - Table.Number(before);

    private JsonObject Drive(double rate) => new()
    {
        // reconnect-storm drives tenant-fanout before the drop, so every connection has a position to resume from.
        ["scenario"] = o.Scenario == Scenarios.ReconnectStorm ? Scenarios.TenantFanout : o.Scenario,
        ["rate"] = rate,
        ["connections"] = o.Connections,
        ["tenants"] = o.Tenants,
        ["tenantsPerOrg"] = o.TenantsPerOrg,
        ["producers"] = o.Producers,
        ["payloadBytes"] = o.PayloadBytes,
        ["stalled"] = o.Stalled,

        // Keyed drives: state sets ITenantState per change; broadcast names the key in each broadcast.
        ["mode"] = o.Keyed ? o.Mode : null,
        ["stateKeys"] = Math.Max(1, o.StateKeys),
        ["topicsPerTenant"] = o.TopicsPerTenant,
        ["topicSubscriptions"] = o.TopicSubscriptions,
    };

    /// <summary>
    /// state-fanout's floor: the servers' CPU while the producer runs its loop at <paramref name="rate"/> sending
    /// nothing (the driver's <c>pace</c> mode), over the drive's own elapsed seconds.
    /// </summary>
    private async Task<(long Micros, double ElapsedS)> PaceFloorAsync(double rate, double seconds)
    {
        var cpu0 = CpuEach().Sum();
        var drive = Drive(rate);
        drive["mode"] = "pace";
        var stats = await DriveAsync(drive, seconds);
        return (CpuEach().Sum() - cpu0, (double)stats["elapsedS"]!);
    }

    private long[] CpuEach() => [.. servers.Select(s => Proc.CpuMicros(s.Pid))];

    private async Task<JsonObject> DriveAsync(JsonObject drive, double seconds)
    {
        drive["durationS"] = seconds;
        using (var response = await http.PostAsJsonAsync(new Uri($"{urls[0]}/bench/start"), drive))
        {
            response.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var stats = await http.GetFromJsonAsync<JsonObject>(new Uri($"{urls[0]}/bench/stats"));
            if (stats is not null && !(bool)stats["running"]!)
            {
                return stats;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until the client has every expected message, or until none arrived for 3 s (a loss: the report shows it),
    /// at most 60 s; returns the last report.
    /// </summary>
    private async Task<JsonObject> DrainAsync(long expected)
    {
        if (o.Keyed)
        {
            return await DrainKeyedAsync();
        }

        var clock = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        long last = -1;
        while (true)
        {
            var report = await client.AskAsync("report", "report", BenchRun.Slow);
            var received = (long)report["received"]!;
            if (received >= expected || progress.Elapsed > TimeSpan.FromSeconds(3) || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return report;
            }

            if (received != last)
            {
                last = received;
                progress.Restart();
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Keyed drives: merged changes never arrive, so the count of deliveries cannot say when the window's messages are
    /// in. Waits instead until every client holds each key's last value (the client compares with /bench/state-final),
    /// or until the mismatches stop falling for 3 s, at most 60 s; returns the last report with the check's figures.
    /// </summary>
    private async Task<JsonObject> DrainKeyedAsync()
    {
        var clock = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        long last = long.MaxValue;
        while (true)
        {
            var check = await client.AskAsync("check", "check", BenchRun.Slow);
            var mismatched = (long)check["mismatched"]!;
            if (mismatched == 0 || progress.Elapsed > TimeSpan.FromSeconds(3) || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                var report = await client.AskAsync("report", "report", BenchRun.Slow);
                report["finalKeys"] = check["keys"]?.DeepClone();
                report["finalMismatched"] = mismatched;
                report["finalConnectionsMismatched"] = check["connectionsMismatched"]?.DeepClone();
                return report;
            }

            if (mismatched < last)
            {
                last = mismatched;
                progress.Restart();
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Garbage collections per generation during the window (first .NET server; null for Node).</summary>
    private static JsonObject? GcCollections(JsonObject? before, JsonObject after)
    {
        if (before?["gcCount0"] is null || after["gcCount0"] is null)
        {
            return null;
        }

        var counts = new JsonObject();
        for (var generation = 0; generation <= 2; generation++)
        {
            counts[$"gen{generation}"] = (long)after[$"gcCount{generation}"]! - (long)before[$"gcCount{generation}"]!;
        }

        return counts;
    }
}
