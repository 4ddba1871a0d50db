using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Tests.Limits;

/// <summary>
/// Beyond <see cref="TenantRealtimeOptions.MaxConnectionsPerServer"/> new connections are refused with 503 and problem
/// details on both endpoints of the hub, while the connections the server holds are served on, whatever their transport.
/// </summary>
public sealed class ConnectionCeilingTests : IAsyncLifetime
{
    private const int Ceiling = 3;

    private readonly List<RealtimeClient> _clients = [];
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() =>
        _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.MaxConnectionsPerServer = Ceiling });

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _node.DisposeAsync();
    }

    private int Open => _node.Services.GetRequiredService<LocalConnectionStore>().Count;

    [Fact]
    public async Task BeyondTheCeilingNewConnectionsGet503WhileTheOpenOnesAreServedUntilSomeLeave()
    {
        var webSocket = await ConnectAsync("wendy", HttpTransportType.WebSockets);
        var longPolling = await ConnectAsync("lou", HttpTransportType.LongPolling);
        var serverSentEvents = await ConnectAsync("sue", HttpTransportType.ServerSentEvents);
        Open.Should().Be(Ceiling);

        // A real client, negotiating or not, is refused with 503.
        var negotiating = () => ConnectAsync("nick", HttpTransportType.WebSockets);
        (await negotiating.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var skipping = () => ConnectAsync("skip", HttpTransportType.WebSockets, skipNegotiation: true);
        (await skipping.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("503");

        // Every request that would open a connection gets the problem details: negotiate, and on the connect
        // endpoint a WebSocket upgrade, a server-sent-events or long-polling GET, or a POST without a connection token.
        await ExpectRefusalAsync(HttpMethod.Post, "/negotiate?negotiateVersion=1");
        await ExpectRefusalAsync(HttpMethod.Get, "", WebSocketUpgrade);
        await ExpectRefusalAsync(HttpMethod.Get, "", r => r.Headers.Accept.ParseAdd("text/event-stream"));
        await ExpectRefusalAsync(HttpMethod.Get, "");
        await ExpectRefusalAsync(HttpMethod.Post, "");

        // The open connections are served on: long polling's polls and sends and the event stream's sends carry a
        // connection token and pass.
        (await longPolling.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        (await serverSentEvents.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        await _node.Broadcaster.BroadcastToTenantAsync("org-c", "t1", "news", "created", "while-full");
        foreach (var client in new[] { webSocket, longPolling, serverSentEvents })
        {
            await client.WaitForAsync("news", m => m.String("data") == "while-full");
        }

        // Once one leaves (long polling's DELETE passes too), a new connection is accepted, negotiating or not.
        await longPolling.Connection.StopAsync();
        await WaitUntilAsync(() => Open == Ceiling - 1);
        await ConnectAsync("skip", HttpTransportType.WebSockets, skipNegotiation: true);
        await webSocket.Connection.StopAsync();
        await WaitUntilAsync(() => Open == Ceiling - 1);
        await ConnectAsync("nick", HttpTransportType.WebSockets);
        Open.Should().Be(Ceiling);
    }

    [Fact]
    public async Task RefusalsAreCountedAsOverCapacityPerEndpointAndLoggedOnce()
    {
        using var refusals = new MetricCollector<long>(_node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.refusals");
        for (var i = 0; i < Ceiling; i++)
        {
            await ConnectAsync($"u{i}", HttpTransportType.WebSockets);
        }

        await ExpectRefusalAsync(HttpMethod.Post, "/negotiate?negotiateVersion=1");
        await ExpectRefusalAsync(HttpMethod.Post, "/negotiate?negotiateVersion=1");
        await ExpectRefusalAsync(HttpMethod.Get, "", WebSocketUpgrade);

        refusals.GetMeasurementSnapshot().Select(m => (m.Tags["tenantrealtime.operation"], m.Tags["tenantrealtime.reason"], m.Value))
            .Should().BeEquivalentTo(new[]
            {
                ((object?)"negotiate", (object?)"over-capacity", 1L),
                ("negotiate", "over-capacity", 1L),
                ("connect", "over-capacity", 1L),
            });

        // Three refusals in a moment: one Warning (the next would come 10 seconds later at the earliest).
        _node.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("ceiling of 3 connections", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Message.Should().Contain("1 new connections refused");
    }

    private async Task<RealtimeClient> ConnectAsync(string userId, HttpTransportType transport, bool skipNegotiation = false)
    {
        var token = TestUser.Member(userId, "org-c", "t1").Token();
        var connection = new HubConnectionBuilder()
            .WithUrl(_node.HubUrl, o =>
            {
                o.Transports = transport;
                o.SkipNegotiation = skipNegotiation;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var client = RealtimeClient.Wrap(connection, userId, "news");
        _clients.Add(client);
        await client.StartAsync();

        // Invocations run after OnConnectedAsync: once Ping answers, the server counts the connection.
        await client.InvokeAsync("Ping");
        return client;
    }

    private async Task ExpectRefusalAsync(HttpMethod method, string pathAfterHub, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, RealtimeNode.HubPath + pathAfterHub);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestUser.Member("late", "org-c", "t1").Token());
        configure?.Invoke(request);

        using var http = new HttpClient { BaseAddress = _node.BaseAddress, Timeout = RealtimeClient.DefaultTimeout };
        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, $"{method} {pathAfterHub} would open a connection");
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().Be("https://tools.ietf.org/html/rfc9110#section-15.6.4");
        problem.GetProperty("title").GetString().Should().Be("The server is at its connection ceiling.");
        problem.GetProperty("status").GetInt32().Should().Be(503);
        problem.GetProperty("detail").GetString().Should().Contain("MaxConnectionsPerServer = 3");
    }

    private static void WebSocketUpgrade(HttpRequestMessage request)
    {
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The server did not reach the expected number of connections.");
            }

            await Task.Delay(20);
        }
    }
}
