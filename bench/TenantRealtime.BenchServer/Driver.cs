using System.Diagnostics;
using TenantRealtime.BenchShared;

namespace TenantRealtime.BenchServer;

/// <summary>What the harness asks the server to do: one scenario at one rate for a while.</summary>
/// <param name="Scenario">tenant-fanout, org-fanout, broadcast-all, or slow-consumer (tenant-fanout with stalled readers).</param>
/// <param name="Rate">Deliveries per second; 0 = unpaced: every producer sends as fast as it can.</param>
/// <param name="DurationS">Seconds to run.</param>
/// <param name="Connections">Connections across the cluster (for the expected fan-out).</param>
/// <param name="Tenants">Tenants; connection j belongs to tenant j % Tenants.</param>
/// <param name="TenantsPerOrg">Tenants per organization; tenant i belongs to organization i / TenantsPerOrg.</param>
/// <param name="Producers">Concurrent producer loops, each with its own share of the rooms and of the rate, as
/// an app broadcasts from many requests at once. One producer is a single thread's share of the cores.</param>
/// <param name="PayloadBytes">Length of the padding <c>p</c> in each message's data; 0 = the usual 26 bytes.</param>
/// <param name="Stalled">Connections 0 … Stalled − 1 never read (slow-consumer): left out of the expected fan-out.</param>
/// <param name="Mode">broadcast (the default), or state: each change to a tenant is <c>ITenantState.SetAsync</c>
/// instead of a tenant broadcast (state-fanout, slow-consumer); pace: the same loop sending nothing (state-fanout's floor).</param>
/// <param name="StateKeys">Keys per tenant the changes round-robin over (state-fanout, either mode).</param>
/// <param name="TopicsPerTenant">topic-fanout: topics per tenant the broadcasts round-robin over.</param>
/// <param name="TopicSubscriptions">topic-fanout: topics each connection subscribes to (<see cref="BenchShared.TopicPlan"/>).</param>
internal sealed record DriveRequest(string Scenario, double Rate, double DurationS, int Connections, int Tenants, int TenantsPerOrg, int Producers = 1, int PayloadBytes = 0, int Stalled = 0, string? Mode = null, int StateKeys = 1, int TopicsPerTenant = 0, int TopicSubscriptions = 0)
{
    public const string SlowConsumer = "slow-consumer";
    public const string TopicFanout = "topic-fanout";
    public const string StateFanout = "state-fanout";
    public const string StateMode = "state";

    /// <summary>
    /// state-fanout's floor: the producer's loop at the same pace, sending nothing and recording nothing, so the
    /// harness can tell the server's CPU for the changes from what its own pacing costs (wake-ups every millisecond).
    /// </summary>
    public const string PaceMode = "pace";

    /// <summary>Gets whether each change names a key (state-fanout, or any drive in state mode), so clients can check final values.</summary>
    public bool Keyed => Scenario == StateFanout || Mode == StateMode;
}

/// <summary>Issues broadcasts at a fixed delivery rate (1 ms ticks), or unpaced, through the target's sender.</summary>
internal sealed class Driver(IBenchSender sender, ServerSettings settings, GcPauses gcPauses)
{
    public const string EventName = "bench";

    // Pads the JSON of the data to ~64 bytes, so the bare {type,data,timestamp} envelope is ~116 bytes.
    private const string Padding = "abcdefghijklmnopqrstuvwxyz";

    // Unpaced, a producer sends this many deliveries between yields (and waits for any back-pressured sends).
    private const int UnpacedBatch = 2000;

    // slow-consumer: how far behind its pace a producer may fall (held up by a send that waits on a stalled reader)
    // and still make up for it; beyond that, the broadcasts it missed are skipped.
    private const double MaxCatchUpS = 1;

    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;
    private long _sequence;
    private DriveCounters _counters = new();

    // Keyed drives: the last value set (or broadcast) per tenant and key, which every client must end with.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<string, long>> _final = new(StringComparer.Ordinal);

    /// <summary>Gets the last value's number per tenant id and key of every keyed drive so far (<c>/bench/state-final</c>).</summary>
    public IReadOnlyDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<string, long>> Final => _final;

    /// <summary>Gets the counters of the current or last drive.</summary>
    public DriveCounters Counters => _counters;

    public bool Running => !_running.IsCompleted;

    public bool TryStart(DriveRequest request)
    {
        lock (_gate)
        {
            if (Running)
            {
                return false;
            }

            _counters = new DriveCounters(timeCalls: request.Scenario == DriveRequest.SlowConsumer);
            _running = Task.Run(() => RunAsync(request, _counters));
            return true;
        }
    }

    private async Task RunAsync(DriveRequest r, DriveCounters counters)
    {
        var plan = new DrivePlan(r);
        var gcPause0 = GC.GetTotalPauseDuration();
        gcPauses.Reset();
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(r.DurationS);
        var producers = Math.Clamp(r.Producers, 1, plan.Targets);
        var sampling = SampleAsync(counters, clock, duration);
        using var queueSampling = new CancellationTokenSource();
        var queue = SampleThreadPoolQueueAsync(counters, queueSampling.Token);
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() => ProduceAsync(r, plan, p, producers, counters, clock, duration))));
        counters.Finish(clock.Elapsed.TotalSeconds, GC.GetTotalPauseDuration() - gcPause0);
        await queueSampling.CancelAsync();
        await queue;
        await sampling;
    }

    /// <summary>One producer: the targets <c>i</c> with <c>i % producers == index</c>, at its share of the rate.</summary>
    private async Task ProduceAsync(DriveRequest r, DrivePlan plan, int index, int producers, DriveCounters counters, Stopwatch clock, TimeSpan duration)
    {
        var rate = r.Rate / producers;
        var padding = PaddingOf(r.PayloadBytes);
        var pending = new List<Task>();
        var spinTicks = settings.SendSpinNs * Stopwatch.Frequency / 1_000_000_000;
        long next = index;
        double sent = 0;
        while (clock.Elapsed < duration)
        {
            // Paced: send what is due by now. Unpaced: a batch, then wait for any back-pressured sends.
            var due = rate > 0 ? rate * clock.Elapsed.TotalSeconds : sent + UnpacedBatch;
            if (r.Scenario == DriveRequest.SlowConsumer && rate > 0 && due - sent > rate * MaxCatchUpS)
            {
                // Released after seconds of waiting, the other scenarios' producer would fire every broadcast it
                // missed at once: a burst of seconds of load that the window would then measure instead of the stall.
                // An app held up that long has lost those moments anyway; the readers' delivered rate shows the gap.
                counters.AddSkipped((long)(due - sent));
                sent = due;
            }

            // The batch below never awaits, so it runs on one thread from start to end: its thread CPU time is its own.
            var batchCpu = ThreadCpu.NowNs();
            long sendTicks = 0, broadcasts = 0, expected = 0, pendingCount = 0;
            while (sent < due)
            {
                var n = Interlocked.Increment(ref _sequence);
                var target = (int)(next % plan.Targets);

                // Keyed: the changes round-robin over the tenants, then over each tenant's keys.
                var key = r.Keyed ? StateKey((int)(next / plan.Targets % Math.Max(1, r.StateKeys))) : null;
                var data = new BenchData(n, UnixMicros.Now(), padding, key);
                if (key is not null && r.Mode != DriveRequest.PaceMode)
                {
                    // Recorded before the send, in the producer's order: a later change of the key always wins.
                    _final.GetOrAdd(plan.TenantId(target), static _ => new(StringComparer.Ordinal))[key] = n;
                }

                var before = Stopwatch.GetTimestamp();
                var (task, fanout) = plan.Send(sender, r, target, data);
                if (spinTicks > 0)
                {
                    // --send-spin-ns: a producer made slower on purpose, to see how throughput answers the producer's cost.
                    while (Stopwatch.GetTimestamp() - before < spinTicks)
                    {
                    }
                }

                var took = Stopwatch.GetTimestamp() - before;
                sendTicks += took;
                next += producers;
                sent += Math.Max(fanout, 1);
                broadcasts++;
                expected += fanout;
                if (!task.IsCompletedSuccessfully)
                {
                    pending.Add(counters.Calls is { } calls ? TimeCallAsync(task, before, calls) : task);
                    pendingCount++;
                }
                else
                {
                    counters.Calls?.Record(took);
                }
            }

            counters.AddBatch(broadcasts, expected, pendingCount, sendTicks, ThreadCpu.NowNs() - batchCpu);
            var waitStarted = Stopwatch.GetTimestamp();
            await DrainAsync(pending, counters);
            counters.AddWait(Stopwatch.GetTimestamp() - waitStarted);
            if (rate > 0)
            {
                await Task.Delay(1);
            }
            else
            {
                await Task.Yield();
            }
        }

        await DrainAsync(pending, counters);
    }

    /// <summary>The name of a tenant's <paramref name="index"/>-th key.</summary>
    public static string StateKey(int index) => $"k{index}";

    /// <summary>
    /// The padding of a drive's messages: the alphabet repeated to <paramref name="bytes"/> characters (ASCII, so as
    /// many bytes of JSON). Larger payloads fill a stalled reader's socket buffers sooner (slow-consumer).
    /// </summary>
    public static string PaddingOf(int bytes) =>
        bytes <= 0 || bytes == Padding.Length ? Padding : string.Create(bytes, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Padding[i % Padding.Length];
            }
        });

    /// <summary>Broadcasts issued per half second, to show whether a run changes pace.</summary>
    private static async Task SampleAsync(DriveCounters counters, Stopwatch clock, TimeSpan duration)
    {
        long last = 0;
        for (var i = 1; TimeSpan.FromSeconds(i * 0.5) <= duration; i++)
        {
            var wait = TimeSpan.FromSeconds(i * 0.5) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var now = counters.Broadcasts;
            counters.AddSample(now - last);
            last = now;
        }
    }

    /// <summary>
    /// The thread pool's queue (work items waiting for a thread) every 20 ms while the drive runs: a queue that grows
    /// means deliveries wait for a thread, which shows in the tail before it shows in CPU.
    /// </summary>
    private static async Task SampleThreadPoolQueueAsync(DriveCounters counters, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                counters.AddQueueSample(ThreadPool.PendingWorkItemCount);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Records when a send that did not complete at once completes: how long a caller awaiting it waited.</summary>
    private static async Task TimeCallAsync(Task send, long started, CallLatency calls)
    {
        try
        {
            await send;
        }
        finally
        {
            calls.Record(Stopwatch.GetTimestamp() - started);
        }
    }

    private static async Task DrainAsync(List<Task> pending, DriveCounters counters)
    {
        foreach (var task in pending)
        {
            try
            {
                await task;
            }
            catch (Exception)
            {
                counters.AddError();
            }
        }

        pending.Clear();
    }
}
