using System.Net;
using System.Text.Json;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Observability;

/// <summary><c>GET /health</c>: anonymous, JSON, the library's check always and the Redis package's when Redis is configured.</summary>
[Collection(SampleHostCollection.Name)]
public sealed class HealthEndpointTests(SampleHostFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AnonymousCallerGetsTheLibrarysCheckAsJson()
    {
        using var response = await fixture.Server.Anonymous.GetAsync("/health");
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("status").GetString().Should().Be("Healthy");
        var check = body.GetProperty("checks").GetProperty("tenantrealtime");
        check.GetProperty("status").GetString().Should().Be("Healthy");
        check.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Contain("tenantrealtime");
        check.GetProperty("data").GetProperty("connections").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        body.GetProperty("checks").TryGetProperty("tenantrealtime-redis", out _).Should().BeFalse("Redis is not configured");
    }

    [Fact]
    public async Task ConnectionsShowInTheLibrarysCheck()
    {
        var org = Unique.Org();
        await using var listener = await fixture.Server.ListenAsync("watcher", org, null, "member");

        var body = await GetHealthAsync(fixture.Server);

        body.Status.Should().Be(HttpStatusCode.OK);
        body.Json.GetProperty("checks").GetProperty("tenantrealtime").GetProperty("data").GetProperty("localConnections").GetInt64()
            .Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task WithRedisTheRedisCheckIsListedAndFollowsTheServer()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await SampleHostServer.StartAsync(false, $"--Redis:Configuration={redis.ConnectionString}");

        var healthy = await GetHealthAsync(host);
        healthy.Status.Should().Be(HttpStatusCode.OK, healthy.Text);
        healthy.Json.GetProperty("status").GetString().Should().Be("Healthy");
        var checks = healthy.Json.GetProperty("checks");
        checks.GetProperty("tenantrealtime").GetProperty("status").GetString().Should().Be("Healthy");
        checks.GetProperty("tenantrealtime-redis").GetProperty("status").GetString().Should().Be("Healthy");

        // Redis goes away: the check turns Unhealthy and /health answers 503, without leaking the exception.
        await redis.StopAsync();
        var down = await WaitForAsync(host, r => r.Status == HttpStatusCode.ServiceUnavailable);
        down.Json.GetProperty("status").GetString().Should().Be("Unhealthy");
        down.Json.GetProperty("checks").GetProperty("tenantrealtime-redis").GetProperty("status").GetString().Should().Be("Unhealthy");
        down.Text.Should().NotContain("Exception").And.NotContain(" at ");

        // The cluster-wide counts cannot be read meanwhile: a 503 problem, not a 500 or a stack trace.
        using var admin = await host.ClientAsync("ada", Unique.Org(), null, "admin");
        var info = await admin.GetAsync("/api/websocket/info");
        info.Status.Should().Be(HttpStatusCode.ServiceUnavailable, info.Text);
        info.Json.GetProperty("status").GetInt32().Should().Be(503);
        info.Text.Should().NotContain("Exception").And.NotContain(" at ");

        // And back.
        await redis.RestartAsync();
        var back = await WaitForAsync(host, r => r.Status == HttpStatusCode.OK);
        back.Json.GetProperty("checks").GetProperty("tenantrealtime-redis").GetProperty("status").GetString().Should().Be("Healthy");
    }

    private static async Task<ApiResponse> GetHealthAsync(SampleHostServer host) =>
        await ApiResponse.ReadAsync(await host.Anonymous.GetAsync("/health"));

    /// <summary>Asks again until the answer matches; health follows the Redis connection's state, which changes asynchronously.</summary>
    private static async Task<ApiResponse> WaitForAsync(SampleHostServer host, Func<ApiResponse, bool> match)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var response = await GetHealthAsync(host);
            if (match(response))
            {
                return response;
            }

            timeout.IsCancellationRequested.Should().BeFalse($"/health did not change in time; last answer: {(int)response.Status} {response.Text}");
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
