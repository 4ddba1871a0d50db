using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using TenantRealtime.Limits;

namespace TenantRealtime.Tests.Limits;

/// <summary>
/// New connections are admitted at <see cref="TenantRealtimeOptions.MaxConnectsPerSecond"/>: beyond it they are refused
/// at once with 429, <c>Retry-After</c> and a coded problem, and clients that retry all get in — a reconnect storm is
/// spread by admission.
/// </summary>
public sealed class ConnectRateLimitTests : IAsyncLifetime
{
    private readonly ConcurrentBag<HubConnection> _connections = [];
    private RealtimeNode? _node;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    [Fact]
    public async Task OverTheRateANewConnectionGets429WithRetryAfterWhileOpenOnesAreServed()
    {
        var node = await StartAsync(perSecond: 3);
        var open = new List<HubConnection>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await ConnectOnceAsync(node, $"u{i}"));
        }

        // The bucket held one second's worth (3): the next negotiate is refused, whatever the refill since.
        using var request = new HttpRequestMessage(HttpMethod.Post, RealtimeNode.HubPath + "/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestUser.Member("late", "org-a", "t1").Token());
        var refused = await SendUntilRefusedAsync(node, request);
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        refused.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(429);
        problem.GetProperty("code").GetString().Should().Be(TenantRealtimeWire.Errors.RateLimited);
        problem.GetProperty("detail").GetString().Should().Contain("MaxConnectsPerSecond");

        // Connections already open are not affected.
        (await open[0].InvokeAsync<JsonElement>("Ping")).TryGetProperty("timestamp", out _).Should().BeTrue();

        // The refused client retries and gets in once the bucket refills (a fraction of a second).
        await ConnectRetryingAsync(node, "late");
    }

    [Fact]
    public async Task AStormOfClientsThatRetryAllGetInNoFasterThanTheRate()
    {
        const int PerSecond = 20;
        const int Clients = 60;
        var node = await StartAsync(PerSecond);
        using var refusals = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.refusals");

        var clock = Stopwatch.StartNew();
        var refusedAttempts = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => ConnectRetryingAsync(node, $"storm{i}")));
        var elapsed = clock.Elapsed;

        // Every client is in, none failed for good; the bucket (20 at once, then 20 per second) cannot have let 60
        // in sooner than two seconds, so the storm was spread by refusals the clients retried.
        _connections.Count(c => c.State == HubConnectionState.Connected).Should().Be(Clients);
        refusedAttempts.Sum().Should().BeGreaterThan(0);
        elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.5));
        refusals.GetMeasurementSnapshot().Should().OnlyContain(m => (string?)m.Tags["tenantrealtime.reason"] == TenantRealtimeWire.Errors.RateLimited)
            .And.HaveCount(refusedAttempts.Sum());
        node.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("MaxConnectsPerSecond", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutARateTheServerAdmits500PerCore()
    {
        var node = await StartAsync(perSecond: null);

        node.Services.GetRequiredService<ConnectRateLimit>().PerSecond.Should().Be(500 * Environment.ProcessorCount);
    }

    private async Task<RealtimeNode> StartAsync(int? perSecond)
    {
        _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.MaxConnectsPerSecond = perSecond });
        return _node;
    }

    private async Task<HubConnection> ConnectOnceAsync(RealtimeNode node, string userId)
    {
        var token = TestUser.Member(userId, "org-a", "t1").Token();
        var connection = new HubConnectionBuilder()
            .WithUrl(node.HubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        _connections.Add(connection);
        await connection.StartAsync();
        return connection;
    }

    /// <summary>Connects as a client that honours refusals: on 429 it waits a jittered moment and tries again. Returns how often it was refused.</summary>
    private async Task<int> ConnectRetryingAsync(RealtimeNode node, string userId)
    {
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        for (var refused = 0; ; refused++)
        {
            try
            {
                await ConnectOnceAsync(node, userId);
                return refused;
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(200)));
            }
        }
    }

    private static async Task<HttpResponseMessage> SendUntilRefusedAsync(RealtimeNode node, HttpRequestMessage template)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = RealtimeClient.DefaultTimeout };

        // A refill may land between the connects above and this request: a few more negotiates take what it added.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var request = new HttpRequestMessage(template.Method, template.RequestUri);
            request.Headers.Authorization = template.Headers.Authorization;
            var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Dispose();
        }

        throw new InvalidOperationException("The server admitted more than its rate allows.");
    }
}
