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
internal sealed class Driver(IBenchSender sender)
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
        while (clock.Elapsed < duration)
        {
            // Paced: send what is due by now. Unpaced: a batch, then wait for any back-pressured sends.
            var due = r.Rate > 0 ? r.Rate * clock.Elapsed.TotalSeconds : sent + 2000;
            while (sent < due)
            {
                var data = new BenchData(Interlocked.Increment(ref _sequence), UnixMicros.Now(), Padding);
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

                next++;
                sent += Math.Max(fanout, 1);
                Broadcasts++;
                ExpectedDeliveries += fanout;
                if (!task.IsCompletedSuccessfully)
                {
                    pending.Add(task);
                }
            }

            await DrainAsync(pending);
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
