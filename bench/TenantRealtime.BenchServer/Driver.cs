using System.Diagnostics;
using TenantRealtime.BenchShared;

namespace TenantRealtime.BenchServer;

/// <summary>What the harness asks the server to do: one scenario at one rate for a while.</summary>
/// <param name="Scenario">tenant-fanout, org-fanout or broadcast-all.</param>
/// <param name="Rate">Deliveries per second; 0 = as fast as the server sustains (sends awaited, so back-pressure paces it).</param>
/// <param name="DurationS">Seconds to run.</param>
/// <param name="Connections">Connections across the cluster (for the expected fan-out).</param>
/// <param name="Tenants">Tenants; connection j belongs to tenant j % Tenants.</param>
/// <param name="TenantsPerOrg">Tenants per organization; tenant i belongs to organization i / TenantsPerOrg.</param>
internal sealed record DriveRequest(string Scenario, double Rate, double DurationS, int Connections, int Tenants, int TenantsPerOrg);

/// <summary>Issues broadcasts at a fixed delivery rate (1 ms ticks) through the target's sender.</summary>
internal sealed class Driver(IBenchSender sender, ServerSettings settings)
{
    public const string EventName = "bench";

    // Pads the JSON of the data to ~64 bytes, so the bare {type,data,timestamp} envelope is ~116 bytes.
    private const string Padding = "abcdefghijklmnopqrstuvwxyz";

    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;
    private long _sequence;

    public long Broadcasts { get; private set; }

    public long ExpectedDeliveries { get; private set; }

    public long Errors { get; private set; }

    public double ElapsedS { get; private set; }

    /// <summary>Gets the time the driver spent inside the senders' calls: the synchronous part of every broadcast
    /// (the target's own code plus SignalR's writes into each recipient's pipe), the producer's cost.</summary>
    public double SendS { get; private set; }

    /// <summary>Gets the time the driver spent waiting for sends that did not complete at once (back-pressure).</summary>
    public double WaitS { get; private set; }

    /// <summary>Gets the producer thread's own CPU time in the send loop (no preemption, no GC suspension).</summary>
    public double SendCpuS { get; private set; }

    /// <summary>Gets the time the runtime was paused for garbage collections while the driver ran.</summary>
    public double GcPauseS { get; private set; }

    /// <summary>Gets the broadcasts issued in each half second of the run, to show whether a run changes pace.</summary>
    public IReadOnlyList<long> Timeline { get; private set; } = [];

    /// <summary>Gets how many broadcasts did not complete at once.</summary>
    public long PendingBroadcasts { get; private set; }

    public bool Running => !_running.IsCompleted;

    public bool TryStart(DriveRequest request)
    {
        lock (_gate)
        {
            if (Running)
            {
                return false;
            }

            Broadcasts = 0;
            ExpectedDeliveries = 0;
            Errors = 0;
            ElapsedS = 0;
            SendS = 0;
            WaitS = 0;
            PendingBroadcasts = 0;
            SendCpuS = 0;
            GcPauseS = 0;
            Timeline = [];
            _running = Task.Run(() => RunAsync(request));
            return true;
        }
    }

    private async Task RunAsync(DriveRequest r)
    {
        var organizations = (r.Tenants + r.TenantsPerOrg - 1) / r.TenantsPerOrg;
        var tenantSize = new int[r.Tenants];
        for (var j = 0; j < r.Connections; j++)
        {
            tenantSize[j % r.Tenants]++;
        }

        var orgSize = new int[organizations];
        for (var i = 0; i < r.Tenants; i++)
        {
            orgSize[i / r.TenantsPerOrg] += tenantSize[i];
        }

        var organizationIds = Enumerable.Range(0, organizations).Select(o => $"o{o}").ToArray();
        var tenantIds = Enumerable.Range(0, r.Tenants).Select(t => $"t{t}").ToArray();
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(r.DurationS);
        long next = 0;
        double sent = 0;
        long sendTicks = 0, waitTicks = 0, sendCpuNs = 0;
        var gcPause0 = GC.GetTotalPauseDuration();
        var timeline = new List<long>();
        long lastTimelineBroadcasts = 0;
        var spinTicks = settings.SendSpinNs * Stopwatch.Frequency / 1_000_000_000;
        while (clock.Elapsed < duration)
        {
            // Paced: send what is due by now. Unpaced: a batch, then wait for any back-pressured sends.
            var due = r.Rate > 0 ? r.Rate * clock.Elapsed.TotalSeconds : sent + 2000;
            if (clock.Elapsed.TotalSeconds >= (timeline.Count + 1) * 0.5)
            {
                timeline.Add(Broadcasts - lastTimelineBroadcasts);
                lastTimelineBroadcasts = Broadcasts;
            }

            // The batch below never awaits, so it runs on one thread from start to end: its thread CPU time is its own.
            var batchCpu = ThreadCpu.NowNs();
            while (sent < due)
            {
                var data = new BenchData(Interlocked.Increment(ref _sequence), UnixMicros.Now(), Padding);
                var before = Stopwatch.GetTimestamp();
                Task task;
                int fanout;
                switch (r.Scenario)
                {
                    case "org-fanout":
                        var o = (int)(next % organizations);
                        fanout = orgSize[o];
                        task = sender.ToOrganizationAsync(organizationIds[o], data);
                        break;
                    case "broadcast-all":
                        fanout = r.Connections;
                        task = sender.ToAllAsync(data);
                        break;
                    default:
                        var t = (int)(next % r.Tenants);
                        fanout = tenantSize[t];
                        task = sender.ToTenantAsync(organizationIds[t / r.TenantsPerOrg], tenantIds[t], data);
                        break;
                }

                if (spinTicks > 0)
                {
                    // --send-spin-ns: a producer made slower on purpose, to see how throughput answers the producer's cost.
                    while (Stopwatch.GetTimestamp() - before < spinTicks)
                    {
                    }
                }

                sendTicks += Stopwatch.GetTimestamp() - before;
                next++;
                sent += Math.Max(fanout, 1);
                Broadcasts++;
                ExpectedDeliveries += fanout;
                if (!task.IsCompletedSuccessfully)
                {
                    pending.Add(task);
                    PendingBroadcasts++;
                }
            }

            sendCpuNs += ThreadCpu.NowNs() - batchCpu;
            var waitStarted = Stopwatch.GetTimestamp();
            await DrainAsync(pending);
            waitTicks += Stopwatch.GetTimestamp() - waitStarted;
            if (r.Rate > 0)
            {
                await Task.Delay(1);
            }
            else
            {
                await Task.Yield();
            }
        }

        await DrainAsync(pending);
        SendS = (double)sendTicks / Stopwatch.Frequency;
        WaitS = (double)waitTicks / Stopwatch.Frequency;
        SendCpuS = sendCpuNs / 1e9;
        GcPauseS = (GC.GetTotalPauseDuration() - gcPause0).TotalSeconds;
        Timeline = timeline;
        ElapsedS = clock.Elapsed.TotalSeconds;
    }

    private async Task DrainAsync(List<Task> pending)
    {
        foreach (var task in pending)
        {
            try
            {
                await task;
            }
            catch (Exception)
            {
                Errors++;
            }
        }

        pending.Clear();
    }
}
