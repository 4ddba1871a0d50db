using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>
/// <c>stalled --urls u --count S --tenants T --tenants-per-org n [--jwt-key k]</c>: the slow-consumer scenario's
/// stalled readers, in a process of their own beside the load client, so either load client (.NET or Node) can drive
/// the readers that read. Connection j &lt; S of the run is a <see cref="StalledReader"/> (one per tenant first, as
/// j % T spreads them). It speaks the load client's protocol: <c>connect</c>, <c>report</c>, <c>quit</c>, one JSON
/// object per line; it ends at <c>quit</c> or as soon as its stdin closes, so it never outlives the run.
/// </summary>
internal static class StalledReaders
{
    public static async Task<int> RunAsync(CommandLine c)
    {
        var urls = c.Get("urls", "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (urls.FirstOrDefault(u => !new Uri(u).IsLoopback) is { } remote)
        {
            // A reader that never reads is a load on the server it connects to: the bench's own, on this machine only.
            await Console.Error.WriteLineAsync($"stalled: {remote} is not loopback; stalled readers connect to this machine only.");
            return 2;
        }

        var count = c.Int("count", 0);
        var authenticate = c.Flag("authenticate");
        var identity = LoadIdentity.From(c);
        var readers = new List<StalledReader>();
        long errors = 0;

        async Task ConnectAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async j =>
            {
                try
                {
                    return await StalledReader.ConnectAsync(UriOf(urls[j % urls.Length], identity.TokenFor(j)), authenticate, timeout.Token);
                }
                catch (Exception ex) when (ex is not ArgumentException)
                {
                    if (Interlocked.Increment(ref errors) <= 5)
                    {
                        await Console.Error.WriteLineAsync($"stalled: connect failed: {ex.GetBaseException().Message}");
                    }

                    return null;
                }
            }));
            readers.AddRange(opened.OfType<StalledReader>());
        }

        LoadClient.Emit(new { @event = "ready" });
        try
        {
            while (await Console.In.ReadLineAsync() is { } line)
            {
                switch (line.Trim())
                {
                    case "connect":
                        await ConnectAsync();
                        LoadClient.Emit(new { @event = "connected", ok = readers.Count, total = readers.Count, errors = Interlocked.Read(ref errors) });
                        break;
                    case "report":
                        var closed = readers.Select(r => r.ClosedAfterS).OfType<double>().Order().ToList();
                        LoadClient.Emit(new
                        {
                            @event = "report",
                            stalled = count,
                            connected = readers.Count,
                            closed = closed.Count,
                            closedAfterS = closed.Count > 0 ? Math.Round(closed[closed.Count / 2], 1) : (double?)null,
                            errors = Interlocked.Read(ref errors),
                        });
                        break;
                    case "quit":
                        return 0;
                    default:
                        LoadClient.Emit(new { @event = "error", message = $"unknown command '{line}'" });
                        break;
                }
            }

            return 0;
        }
        finally
        {
            await Task.WhenAll(readers.Select(r => r.DisposeAsync().AsTask()));
            LoadClient.Emit(new { @event = "bye" });
        }
    }

    /// <summary>The hub's WebSocket URL with the JWT in <c>?access_token=</c>, as the SignalR client sends it.</summary>
    private static Uri UriOf(string url, string token) =>
        new UriBuilder(url)
        {
            Scheme = url.StartsWith("https:", StringComparison.Ordinal) ? "wss" : "ws",
            Path = BenchAuth.HubPath,
            Query = $"access_token={Uri.EscapeDataString(token)}",
        }.Uri;
}
