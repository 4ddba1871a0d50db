using System.Text.Json.Nodes;
using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>
/// The slow-consumer scenario's harness side. The server drives tenant-fanout at the readers' rate; connections
/// 0 … S − 1 are stalled readers in a process of their own (<see cref="StalledReaders"/>), the load client holds the
/// rest (the neighbours, who read). The stalled ones connect after the warm-up, just before the measured window, so
/// the window sees the stall from its start: their buffers filling, then whatever the server does about it.
/// </summary>
internal static class SlowConsumer
{
    /// <summary>Why <c>socketio</c> skips the scenario: printed, and no run JSON written.</summary>
    public const string SocketIoSkipped =
        "skipped socketio: slow-consumer needs a reader that stops reading after the Socket.IO handshake, which the " +
        "harness has only for SignalR (StalledReader); run it with --targets \"tenantrealtime signalr\". No JSON written.";

    public static Child Start(RunOptions o, BenchPaths paths, List<string> urls) =>
        Child.Start(
            "stalled",
            "dotnet",
            [
                paths.ClientDll, "stalled", "--urls", string.Join(',', urls), "--count", $"{o.Stalled}", "--tenants", $"{o.Tenants}",
                "--tenants-per-org", $"{o.TenantsPerOrg}", "--jwt-key", BenchAuth.DefaultKey,

                // Keyed runs: the stalled readers call Authenticate as the readers do (state needs it to reach them).
                .. (o.Keyed && Targets.IsTenantRealtime(o.Target) ? (string[])["--authenticate"] : []),
            ],
            jsonLines: true);

    /// <summary>Connects the stalled readers and waits until the server has them in their tenants' groups.</summary>
    public static async Task ConnectAsync(Child stalled)
    {
        await stalled.AskAsync("connect", "connected", BenchRun.Slow);

        // The handshake response is sent before the hub's OnConnectedAsync joins the groups.
        await Task.Delay(500);
    }

    /// <summary>The scenario's own members of the run JSON, read after the measured window.</summary>
    public static async Task<JsonObject> ReportAsync(Child stalled, RunOptions o)
    {
        // A reader sees that the server closed it at its next ping: wait for that, so a close at the window's very
        // end (when the bare hub's last blocked send gives up) is counted too.
        await Task.Delay(2 * StalledReader.PingInterval);
        var report = await stalled.AskAsync("report", "report", BenchRun.Slow);
        return new JsonObject
        {
            // The rate the readers were offered (the stalled ones got theirs on top), beside deliveredPerSec.
            ["offeredPerSec"] = o.Rate > 0 ? o.Rate : null,
            ["stalled"] = report["stalled"]?.DeepClone(),
            ["stalledConnected"] = report["connected"]?.DeepClone(),

            // Stalled readers whose socket the server closed during the window (seen by a failed ping, within
            // StalledReader.PingInterval), and the median seconds from their handshake to that.
            ["stalledClosed"] = report["closed"]?.DeepClone(),
            ["stalledClosedAfterS"] = report["closedAfterS"]?.DeepClone(),
            ["stalledErrors"] = report["errors"]?.DeepClone(),
        };
    }
}
