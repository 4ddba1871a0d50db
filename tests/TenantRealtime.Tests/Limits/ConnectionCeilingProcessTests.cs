using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace TenantRealtime.Tests.Limits;

/// <summary>
/// A real server process with a low open-file limit and no <see cref="TenantRealtimeOptions.MaxConnectionsPerServer"/>:
/// the ceiling derived from the limit refuses connections with 503 before the process runs out of descriptors, and
/// the process serves on instead of aborting.
/// </summary>
public sealed class ConnectionCeilingProcessTests
{
    // Low enough to reach in a test, high enough for the runtime (about 190 descriptors at start) and the reserve
    // (256): the derived ceiling is about 150 connections.
    private const int OpenFileLimit = 600;

    [Fact]
    public async Task UnderALowOpenFileLimitTheDerivedCeilingRefusesWith503AndTheServerServesOn()
    {
        await using var host = await TestHostProcess.StartAsync(OpenFileLimit);
        var open = new List<HubConnection>();
        var received = 0;
        try
        {
            // Open connections until one is refused; without the ceiling the process would run out of descriptors
            // before the limit's worth of connections.
            Exception? refusal = null;
            while (refusal is null && open.Count < OpenFileLimit)
            {
                var connection = Connect(host.HubUrl, () => Interlocked.Increment(ref received));
                try
                {
                    using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
                    await connection.StartAsync(timeout.Token);
                    await connection.InvokeAsync<JsonElement>("Ping", timeout.Token);
                    open.Add(connection);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    refusal = ex;
                    await connection.DisposeAsync();
                }
            }

            refusal.Should().NotBeNull($"the server must refuse before {OpenFileLimit} connections");
            refusal!.Message.Should().Contain("503", "the refusal is a 503 (host output: {0})", host.Output);
            open.Count.Should().BeGreaterThan(0);

            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = RealtimeClient.DefaultTimeout };
            using var negotiate = await http.PostAsync(RealtimeNode.HubPath + "/negotiate?negotiateVersion=1", content: null);
            negotiate.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            var problem = await negotiate.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("detail").GetString().Should().Contain($"MaxConnectionsPerServer = {open.Count}, derived from the open-file limit");

            // Alive, and serving the connections it holds.
            host.HasExited.Should().BeFalse("the process must survive (its output: {0})", host.Output);
            (await http.GetStringAsync("/")).Should().Contain("ok");
            (await http.PostAsync("/broadcast/after-refusal", content: null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
            await WaitUntilAsync(() => Volatile.Read(ref received) == open.Count, "every open connection received the broadcast");

            host.Output.Should().Contain($"This server accepts at most {open.Count} connections: derived from the open-file limit of {OpenFileLimit}");

            // Logged when the refusal happened, but written by the console logger's own thread: it may still be on its way.
            await host.WaitForOutputAsync($"This server is at its ceiling of {open.Count} connections");
            host.Output.Should().NotContain("Out of memory");
        }
        finally
        {
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }
        }
    }

    // Without negotiation: one descriptor per connection on the server, nothing else held open.
    private static HubConnection Connect(Uri hubUrl, Action onNews)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.On<JsonElement>("news", envelope =>
        {
            if (envelope.GetProperty("data").GetString() == "after-refusal")
            {
                onNews();
            }
        });
        return connection;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}
