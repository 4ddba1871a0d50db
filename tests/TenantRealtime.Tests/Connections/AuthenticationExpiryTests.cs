using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TenantRealtime.Tests.Connections;

/// <summary>
/// A connection lives no longer than its token, by default: it is closed with <c>unauthenticated: token expired</c>
/// (reconnecting allowed, so the client comes back with a fresh one), and a token that has already expired is refused
/// even while JwtBearer's clock skew still accepts it. An app may opt out in <c>MapTenantRealtime</c>.
/// </summary>
public sealed class AuthenticationExpiryTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    // JwtBearer's default: a token is still accepted 5 minutes after it expired.
    private static RealtimeNodeOptions WithDefaultClockSkew(Action<Microsoft.AspNetCore.Http.Connections.HttpConnectionDispatcherOptions>? connection = null) =>
        new() { JwtClockSkew = TimeSpan.FromMinutes(5), ConfigureConnection = connection };

    [Fact]
    public async Task AConnectionIsClosedWithACodedReasonWhenItsTokenExpires()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());
        using var closedByServer = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.connections.closed_by_server");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        await using var client = await ConnectAsync(node, Alice.Token(TimeSpan.FromSeconds(3)));
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "before");
        await client.WaitForAsync("news", m => m.String("data") == "before");

        var error = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        error!.Message.Should().Contain("unauthenticated: token expired");
        DateTimeOffset.UtcNow.Should().BeBefore(expiresAt.AddSeconds(4), "it is closed within a few seconds of expiry");
        await node.WaitForRegistryAsync(async registry => await registry.CountAsync("org-a") == 0);
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "after");
        client.Markers("news").Should().Equal("before");
        closedByServer.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["tenantrealtime.reason"] == "expired");
        node.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains("authentication expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATokenThatHasAlreadyExpiredIsRefusedWhileAFreshOneConnects()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());

        await using var expired = RealtimeClient.Create(node.HubUrl, Alice.Token(TimeSpan.FromSeconds(-30)), events: "news");
        var refusal = await expired.StartExpectingRefusalAsync();
        await using var fresh = await ConnectAsync(node, Alice.Token(TimeSpan.FromMinutes(5)));

        // Issue 28 moved this refusal to negotiate (401): JwtBearer's clock skew accepts the token; the library does not.
        refusal.Should().Contain("401", "JwtBearer's clock skew accepts the token; negotiate does not");
        (await node.Registry.CountAsync("org-a")).Should().Be(1);
    }

    [Fact]
    public async Task NegotiateRefusesATokenThatExpiredSecondsAgoWith401ProblemDetails()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());
        using var refusals = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.refusals");

        var (status, contentType, body) = await NegotiateAsync(node, Alice.Token(TimeSpan.FromSeconds(-5)));

        status.Should().Be(HttpStatusCode.Unauthorized);
        contentType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("status").GetInt32().Should().Be(401);
        problem.RootElement.GetProperty("code").GetString().Should().Be("unauthenticated");
        problem.RootElement.GetProperty("title").GetString().Should().Contain("expired");
        problem.RootElement.GetProperty("detail").GetString().Should().Contain("expired at");
        refusals.GetMeasurementSnapshot().Should().Contain(m =>
            (string?)m.Tags["tenantrealtime.operation"] == "negotiate" && (string?)m.Tags["tenantrealtime.reason"] == "unauthenticated");
        (await NegotiateAsync(node, Alice.Token(TimeSpan.FromMinutes(5)))).Status.Should().Be(HttpStatusCode.OK, "a fresh token negotiates");
    }

    [Fact]
    public async Task WithoutNegotiationAnExpiredTokenIsStillRefusedWithTheCodedClose()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());
        var token = Alice.Token(TimeSpan.FromSeconds(-5));
        var connection = new HubConnectionBuilder()
            .WithUrl(node.HubUrl, options =>
            {
                // A browser cannot read a WebSocket handshake's 401, so the connect request is not refused with one.
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        await using var client = RealtimeClient.Wrap(connection, "skips-negotiation", []);

        var refusal = await client.StartExpectingRefusalAsync();

        refusal.Should().Contain("unauthenticated: token expired");
        (await node.Registry.CountAsync("org-a")).Should().Be(0);
    }

    [Fact]
    public async Task NegotiateAcceptsAnExpiredTokenWhenTheAppKeepsConnectionsPastTheirExpiry()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew(connection => connection.CloseOnAuthenticationExpiration = false));

        (await NegotiateAsync(node, Alice.Token(TimeSpan.FromSeconds(-5)))).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheAppMayKeepConnectionsOpenPastTheirExpiry()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew(connection => connection.CloseOnAuthenticationExpiration = false));
        await using var client = await ConnectAsync(node, Alice.Token(TimeSpan.FromSeconds(2)));

        await Task.Delay(TimeSpan.FromSeconds(4));
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "still-here");

        await client.WaitForAsync("news", m => m.String("data") == "still-here");
        client.Closed.IsCompleted.Should().BeFalse();
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> NegotiateAsync(RealtimeNode node, string token)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static async Task<RealtimeClient> ConnectAsync(RealtimeNode node, string token)
    {
        var client = RealtimeClient.Create(node.HubUrl, token, events: "news");
        await client.StartAsync();
        await client.InvokeAsync("JoinOrganization", new Dictionary<string, object?> { ["organizationId"] = "org-a" });
        return client;
    }
}
