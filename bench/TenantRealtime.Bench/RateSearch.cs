using System.Globalization;
using System.Text.Json.Nodes;

namespace TenantRealtime.Bench;

/// <summary>
/// <c>--rate max</c>: the highest delivery rate a target sustains, found by pacing it at rising rates on the same
/// connections (the method of the OpenMessaging Benchmark's rate discovery). Unpaced driving (<c>--rate 0</c>) measures
/// a server under overload instead: a producer that never waits competes for the cores with the sends it causes, and
/// where that settles varies by ±25 % from run to run (bench/NOTEBOOK.md, session V).
/// </summary>
/// <param name="StartRate">The first rate tried, deliveries/s.</param>
/// <param name="Step">How much each step adds, deliveries/s.</param>
/// <param name="MaxP99Ms">The p99 latency a sustained rate stays within.</param>
/// <param name="MaxRate">The highest rate tried.</param>
internal sealed record RateSearch(double StartRate, double Step, double MaxP99Ms, double MaxRate)
{
    /// <summary>The search stops after this many failed steps in a row (one failure near the limit can be noise).</summary>
    public const int FailuresToStop = 2;

    /// <summary>The share of the rate a producer must have issued: a little less than all, because a drive's last
    /// tick can come a few milliseconds late on a busy machine (it then stops without sending what was due).</summary>
    public const double KeptPace = 0.95;

    /// <summary>A rate is sustained when the driver kept to it, everything arrived, and p99 stayed within the bound.</summary>
    public bool Sustained(JsonObject window, double rate) =>
        Table.Number(window["lost"]!) == 0 &&
        Table.Number(window["errors"]!) == 0 &&
        Table.Number(window["expectedDeliveries"]!) / Table.Number(window["elapsedS"]!) >= KeptPace * rate &&
        window["p99Ms"] is { } p99 && Table.Number(p99) <= MaxP99Ms;

    /// <summary>Steps up from <see cref="StartRate"/> until <see cref="FailuresToStop"/> steps in a row fail; returns
    /// the window of the highest sustained rate (or of the first step, if none was), with every step listed.</summary>
    public async Task<JsonObject> RunAsync(Window window, double seconds)
    {
        var steps = new JsonArray();
        JsonObject? best = null, first = null;
        double? sustainedRate = null;
        var failures = 0;
        for (var rate = StartRate; rate <= MaxRate && failures < FailuresToStop; rate += Step)
        {
            var measured = await window.MeasureAsync(rate, seconds);
            var sustained = Sustained(measured, rate);
            first ??= measured;
            steps.Add(new JsonObject
            {
                ["rate"] = rate,
                ["sustained"] = sustained,
                ["deliveredPerSec"] = measured["deliveredPerSec"]?.DeepClone(),
                ["p50Ms"] = measured["p50Ms"]?.DeepClone(),
                ["p99Ms"] = measured["p99Ms"]?.DeepClone(),
                ["serverCpuUsPerMsg"] = measured["serverCpuUsPerMsg"]?.DeepClone(),
                ["clientCpuUsPerMsg"] = measured["clientCpuUsPerMsg"]?.DeepClone(),
                ["lost"] = measured["lost"]?.DeepClone(),
            });
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {rate:0}/s {(sustained ? "sustained" : "not sustained")}: {measured["deliveredPerSec"]}/s delivered, p99 {measured["p99Ms"]} ms"));
            if (sustained)
            {
                best = measured;
                sustainedRate = rate;
                failures = 0;
            }
            else
            {
                failures++;
            }
        }

        var result = best ?? first!;
        result["sustainedRate"] = sustainedRate;
        result["search"] = new JsonObject
        {
            ["startRate"] = StartRate,
            ["step"] = Step,
            ["maxP99Ms"] = MaxP99Ms,
            ["maxRate"] = MaxRate,
            ["stepS"] = seconds,
            ["steps"] = steps,
        };
        return result;
    }
}
