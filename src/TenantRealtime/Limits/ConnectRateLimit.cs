using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Limits;

/// <summary>
/// Admits new connections at a bounded rate (<see cref="TenantRealtimeOptions.MaxConnectsPerSecond"/>, a token bucket
/// holding one second's worth). When every client of a restarted server or a deploy comes back at once, those over
/// the rate are refused at once with 429 and <c>Retry-After</c>, and retry, instead of all being accepted and then
/// timing out their handshakes together while the server cannot keep up: the storm is spread by admission, not by
/// whichever requests happen to win.
/// </summary>
internal sealed class ConnectRateLimit : IEndpointGuard, IDisposable
{
    /// <summary>What a server takes per core and second when the app sets no rate: about what one core serves (see docs/benchmarks.md).</summary>
    public const int DefaultConnectsPerSecondPerCore = 500;

    private const int ReplenishmentsPerSecond = 10;

    private readonly TokenBucketRateLimiter _bucket;
    private readonly int _perSecond;
    private readonly TenantRealtimeMetrics _metrics;
    private readonly ILogger<ConnectRateLimit> _logger;
    private readonly LogThrottle _logThrottle;

    public ConnectRateLimit(IOptions<TenantRealtimeOptions> options, TenantRealtimeMetrics metrics, TimeProvider time, ILogger<ConnectRateLimit> logger)
    {
        _perSecond = options.Value.MaxConnectsPerSecond ?? DefaultConnectsPerSecondPerCore * Environment.ProcessorCount;
        _metrics = metrics;
        _logger = logger;
        _logThrottle = new LogThrottle(time);

        // Refilled ten times a second, so a refused client that retries after a fraction of a second can get in.
        var perRefill = Math.Max(1, _perSecond / ReplenishmentsPerSecond);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _perSecond,
            TokensPerPeriod = perRefill,
            ReplenishmentPeriod = TimeSpan.FromSeconds(perRefill / (double)_perSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>Gets how many new connections per second this server admits.</summary>
    public int PerSecond => _perSecond;

    /// <summary>A request that opens a connection takes a token or is refused; the others always pass.</summary>
    public IResult? Check(HttpContext context, string operation, bool opensConnection) =>
        opensConnection && !TryAdmit() ? Refuse(context, operation) : null;

    private bool TryAdmit()
    {
        using var lease = _bucket.AttemptAcquire();
        return lease.IsAcquired;
    }

    private IResult Refuse(HttpContext context, string operation)
    {
        _metrics.Refused(operation, TenantRealtimeWire.Errors.RateLimited);
        if (_logThrottle.ShouldLog(out var refused))
        {
            TenantRealtimeLog.ConnectRateExceeded(_logger, refused, _perSecond, LogThrottle.Interval.TotalSeconds);
        }

        // Clients retry a refused connect; one second is when the bucket holds a full second's worth again.
        context.Response.Headers.RetryAfter = "1";
        return EndpointGuards.Problem(
            StatusCodes.Status429TooManyRequests,
            "https://tools.ietf.org/html/rfc6585#section-4",
            "Too many new connections at once.",
            string.Create(CultureInfo.InvariantCulture, $"This server takes {_perSecond} new connections per second ({nameof(TenantRealtimeOptions.MaxConnectsPerSecond)}) and has taken them for now. Retry after a second, with some jitter."),
            TenantRealtimeWire.Errors.RateLimited);
    }

    public void Dispose() => _bucket.Dispose();
}
