using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TenantRealtime.Redis.Tests.Chaos;

/// <summary>
/// A TenantRealtime.TestHost process scaled out over <see cref="RedisServer"/> with JWT authentication, on
/// 127.0.0.1 with a port the OS picks. <see cref="Kill"/> ends it with SIGKILL, as a crash would: no graceful stop,
/// nothing flushed. Disposing kills it too, and the host stops by itself when this process exits (its standard
/// input closes), so no server outlives a test, whatever its outcome.
/// </summary>
internal sealed class TestHostServer : IAsyncDisposable
{
    private readonly TestHostChild _child;
    private readonly HttpClient _http;

    private TestHostServer(string name, TestHostChild child)
    {
        Name = name;
        _child = child;
        _http = new HttpClient { BaseAddress = child.BaseAddress, Timeout = RealtimeClient.DefaultTimeout };
    }

    public string Name { get; }

    public Uri BaseAddress => _child.BaseAddress;

    public Uri HubUrl => _child.HubUrl;

    /// <summary>Everything the process wrote, stdout and stderr, in arrival order.</summary>
    public string Output => _child.Output;

    public static async Task<TestHostServer> StartAsync(string name, RedisServer redis, string channelPrefix)
    {
        var child = await TestHostChild.StartAsync(
            name,
            "dotnet",
            [
                TestHostChild.HostDll,
                $"--Redis={redis.ConnectionString}",
                $"--ChannelPrefix={channelPrefix}",
                $"--Jwt:Key={TestJwt.KeyText}",
                $"--Jwt:Issuer={TestJwt.Issuer}",
                $"--Jwt:Audience={TestJwt.Audience}",
                "--StopWhenStdinCloses=true",
            ],
            redirectInput: true);
        return new TestHostServer(name, child);
    }

    /// <summary>Broadcasts <paramref name="marker"/> to a tenant; the status is 200 when Redis numbered it, 202 when it waits in the outbox.</summary>
    public async Task<(HttpStatusCode Status, long? Seq)> BroadcastAsync(string organizationId, string tenantId, string marker)
    {
        using var response = await _http.PostAsync($"/tenants/{organizationId}/{tenantId}/broadcast/{marker}", content: null);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
        {
            return (response.StatusCode, null);
        }

        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, receipt.GetProperty("seq").ValueKind == JsonValueKind.Number ? receipt.GetProperty("seq").GetInt64() : null);
    }

    /// <summary>The broadcasts this server holds for Redis (the <c>tenantrealtime.redis.outbox.size</c> gauge).</summary>
    public async Task<long> OutboxSizeAsync()
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>("/outbox");
        var size = answer.GetProperty("size");
        size.ValueKind.Should().Be(JsonValueKind.Number, "the Redis package publishes the outbox gauge (host output:\n{0})", Output);
        return size.GetInt64();
    }

    /// <summary>
    /// Whether this server is connected to Redis and Redis answers it (its <c>tenantrealtime-redis</c> health check):
    /// until then it knows Redis as down, and a <c>Resume</c> it serves answers recovered=false.
    /// </summary>
    public async Task<bool> IsConnectedToRedisAsync()
    {
        using var response = await _http.GetAsync("/health/redis");
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>SIGKILL: the process ends at once, with whatever it held in memory.</summary>
    public void Kill() => _child.Kill();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _child.DisposeAsync();
    }
}
