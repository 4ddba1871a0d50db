using System.Runtime;

namespace TenantRealtime.BenchServer;

/// <summary>The harness's control surface on the bench server (not part of any measured path).</summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app)
    {
        var bench = app.MapGroup("/bench");
        bench.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        bench.MapPost("/gc", () =>
        {
            // RSS after a full, compacting GC: what idle connections really hold.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return Results.Ok(new { heapBytes = GC.GetTotalMemory(false) });
        });
        bench.MapPost("/start", (DriveRequest request, Driver driver, ServerMeters meters) =>
        {
            meters.ResetPeak();
            return driver.TryStart(request) ? Results.Accepted() : Results.Conflict(new { error = "already running" });
        });

        // Keyed drives: the last value's number per tenant and key, which every client must end with.
        bench.MapGet("/state-final", (Driver driver) => Results.Ok(driver.Final));

        // connect-storm with --state-keys: fills each tenant's data before the storm (StateFill).
        bench.MapPost("/state-fill", async (StateFillRequest request, StateFill fill, CancellationToken cancellationToken) =>
            Results.Ok(new { keys = await fill.FillAsync(request, cancellationToken) }));

        // What the sample does today: a page loads its tenant's data with a REST GET after connecting. The tenant comes
        // from the caller's token, as an app's endpoint would take it; the JSON is written per request.
        app.MapGet("/api/state", (System.Security.Claims.ClaimsPrincipal user, StateFill fill) =>
            fill.Of(user.FindFirst("tenant_id")?.Value) is { } keys ? Results.Ok(keys) : Results.NotFound())
            .RequireAuthorization();
        bench.MapGet("/stats", (Driver driver, GcPauses gcPauses, ServerMeters meters, Microsoft.Extensions.Options.IOptions<TenantRealtime.TenantRealtimeOptions> realtime) =>
        {
            var c = driver.Counters;
            return Results.Ok(new
            {
                running = driver.Running,

                // What the server really runs with (the bare hub has no presence: always false there).
                presence = realtime.Value.EnablePresence,

                // slow-consumer: bytes waiting to be written across connections now and at most since the drive
                // started (tenantrealtime.send.backlog; 0 for the bare hub), and connections closed as slow-consumer.
                sendBacklogBytes = meters.BacklogBytes,
                sendBacklogPeakBytes = meters.PeakBacklogBytes,
                slowConsumerClosed = meters.SlowConsumerClosed,
                broadcasts = c.Broadcasts,
                expectedDeliveries = c.ExpectedDeliveries,
                errors = c.Errors,
                elapsedS = c.ElapsedS,
                sendS = c.SendS,
                waitS = c.WaitS,
                pendingBroadcasts = c.PendingBroadcasts,
                skippedDeliveries = c.SkippedDeliveries,
                sendCpuS = c.SendCpuS,
                gcPauseS = c.GcPauseS,
                gcPausesByGeneration = gcPauses.Snapshot(),
                threadPoolQueueMean = c.ThreadPoolQueueMean,
                threadPoolQueueMax = c.ThreadPoolQueueMax,
                timeline = c.Timeline,

                // slow-consumer: each broadcast call from the call until its task completed (null otherwise).
                broadcastCalls = c.Calls is { } calls
                    ? new { count = calls.Count, p50Ms = calls.QuantileMs(0.50), p99Ms = calls.QuantileMs(0.99), maxMs = calls.MaxMs }
                    : null,
                // Every byte the process allocated so far (all threads), for allocations per delivered message.
                allocatedBytes = GC.GetTotalAllocatedBytes(),
                gcCount0 = GC.CollectionCount(0),
                gcCount1 = GC.CollectionCount(1),
                gcCount2 = GC.CollectionCount(2),
                gcServer = GCSettings.IsServerGC,
                threads = System.Diagnostics.Process.GetCurrentProcess().Threads.Count,
                threadPoolThreads = ThreadPool.ThreadCount,
                workItems = ThreadPool.CompletedWorkItemCount,
                jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(),
                jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            });
        });
    }
}
