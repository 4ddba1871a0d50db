using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client.Tests;

/// <summary>
/// A server admitting new connections at a bounded rate refuses the excess with 429: the client comes back after a
/// jittered moment until it is in, at start and on reconnect, without using up the app's reconnect policy.
/// </summary>
public sealed class RefusedConnectTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientsRefusedByTheServersConnectRateRetryAndAllStart(bool skipNegotiation)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.MaxConnectsPerSecond = 2 });
        var clients = Enumerable.Range(0, 8).Select(i =>
        {
            var user = TestUser.Member($"u{i}", "org-a", "t1");
            return new TenantRealtimeClient(new TenantRealtimeClientOptions
            {
                HubUrl = node.HubUrl,
                AccessTokenProvider = () => Task.FromResult<string?>(user.Token()),

                // Without negotiation the refusal comes from the WebSocket handshake, as a WebSocketException.
                ConfigureConnection = builder => builder.Services.Configure<HttpConnectionOptions>(http =>
                {
                    http.SkipNegotiation = skipNegotiation;
                    http.Transports = HttpTransportType.WebSockets;
                }),
            });
        }).ToList();
        try
        {
            // Eight at once against two per second (a bucket of two): most are refused at first; every one gets in.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Task.WhenAll(clients.Select(c => c.StartAsync(timeout.Token)));

            clients.Should().OnlyContain(c => c.State == HubConnectionState.Connected);
            node.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains("refused with 429", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public void RefusalsAreRetriedWithJitterWithoutUsingUpThePolicy()
    {
        var policy = new RefusalAwareRetryPolicy(inner: null);
        var lost = new HttpRequestException("lost");
        var tooMany = new HttpRequestException("refused", null, HttpStatusCode.TooManyRequests);
        var full = new HttpRequestException("full", null, HttpStatusCode.ServiceUnavailable);

        policy.NextRetryDelay(Context(0, lost)).Should().Be(TimeSpan.Zero);
        for (var i = 1; i <= 10; i++)
        {
            policy.NextRetryDelay(Context(i, i % 2 == 0 ? full : tooMany)).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.BeLessThan(TimeSpan.FromSeconds(2));
        }

        // SignalR's default delays continue where they were: 2, 10, 30 s, then give up.
        policy.NextRetryDelay(Context(11, lost)).Should().Be(TimeSpan.FromSeconds(2));
        policy.NextRetryDelay(Context(12, lost)).Should().Be(TimeSpan.FromSeconds(10));
        policy.NextRetryDelay(Context(13, lost)).Should().Be(TimeSpan.FromSeconds(30));
        policy.NextRetryDelay(Context(14, lost)).Should().BeNull();

        // Without negotiation the WebSocket handshake reports the refusal in its message.
        RefusedConnects.IsRefusedForNow(new WebSocketException("The server returned status code '429' when status code '101' was expected.")).Should().BeTrue();
        RefusedConnects.IsRefusedForNow(new WebSocketException("The server returned status code '401' when status code '101' was expected.")).Should().BeFalse();

        // A new drop starts over.
        policy.NextRetryDelay(Context(0, lost)).Should().Be(TimeSpan.Zero);
        policy.NextRetryDelay(Context(1, lost)).Should().Be(TimeSpan.FromSeconds(2));
    }

    private static RetryContext Context(long previous, Exception reason) => new() { PreviousRetryCount = previous, RetryReason = reason };
}
