using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Diagnostics;
using TenantRealtime.Limits;
using TenantRealtime.Tests.Connections;

namespace TenantRealtime.Tests.Limits;

/// <summary>Which requests the ceiling stops, and how often a storm of refusals is logged.</summary>
public sealed class ConnectionCeilingGuardTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<ConnectionCeiling> _logger = new();
    private readonly ConnectionCeiling _ceiling;
    private int _passed;

    public ConnectionCeilingGuardTests()
    {
        // A server at its ceiling of one connection.
        var store = new LocalConnectionStore();
        store.TryAdd(new ConnectionState(new FakeCallerContext("open"), identity: null), maxPerUser: 1, store.RevocationGeneration);
        _ceiling = new ConnectionCeiling(
            store,
            new StaticOptionsMonitor<TenantRealtimeOptions>(new TenantRealtimeOptions { MaxConnectionsPerServer = 1 }),
            new TenantRealtimeMetrics(_services.GetRequiredService<IMeterFactory>()),
            _time,
            _logger);
    }

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData(true, "POST", "", 503)] // negotiate creates a connection
    [InlineData(true, "GET", "", 200)] // SignalR answers 405 itself
    [InlineData(false, "GET", "", 503)] // a WebSocket without negotiation, or SSE/long polling without a token
    [InlineData(false, "POST", "", 503)]
    [InlineData(false, "GET", "?id=token", 200)] // a connection negotiated before: its transport, its polls
    [InlineData(false, "POST", "?id=token", 200)] // its sends
    [InlineData(false, "DELETE", "?id=token", 200)] // its end
    [InlineData(false, "DELETE", "", 200)]
    public async Task OnlyRequestsThatWouldOpenAConnectionAreRefused(bool negotiate, string method, string query, int status)
    {
        var context = await SendAsync(negotiate, method, query);

        context.Response.StatusCode.Should().Be(status);
        _passed.Should().Be(status == 200 ? 1 : 0);
    }

    [Fact]
    public async Task TheFirstRefusalIsLoggedAtOnceThenAtMostOncePerIntervalWithTheCount()
    {
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(negotiate: true, "POST", "");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Warnings().Should().Equal("1");

        _time.Advance(LogThrottle.Interval);
        await SendAsync(negotiate: false, "GET", "");

        Warnings().Should().Equal("1", "5");
    }

    private IEnumerable<string?> Warnings() =>
        _logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.GetStructuredStateValue("Refused"));

    private async Task<HttpContext> SendAsync(bool negotiate, string method, string query)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        context.Response.Body = new MemoryStream();
        await EndpointGuards.Wrap(_ =>
        {
            _passed++;
            return Task.CompletedTask;
        }, negotiate, _ceiling)(context);
        return context;
    }
}
