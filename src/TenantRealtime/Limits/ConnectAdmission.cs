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
internal sealed class ConnectAdmission : IDisposable
{
    /// <summary>What a server takes per core and second when the app sets no rate: about what one core serves (see docs/benchmarks.md).</summary>
    public const int DefaultConnectsPerSecondPerCore = 500;

    private const int ReplenishmentsPerSecond = 10;

    private readonly TokenBucketRateLimiter _bucket;
    private readonly int _perSecond;
    private readonly TenantRealtimeMetrics _metrics;
    private readonly ILogger<ConnectAdmission> _logger;
    private readonly LogThrottle _logThrottle;

    public ConnectAdmission(IOptions<TenantRealtimeOptions> options, TenantRealtimeMetrics metrics, TimeProvider time, ILogger<ConnectAdmission> logger)
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

    /// <summary>Wraps one of the hub's endpoints: a request that opens a connection takes a token or is refused.</summary>
    public RequestDelegate Guard(RequestDelegate next, bool negotiate)
    {
        ArgumentNullException.ThrowIfNull(next);
        var operation = negotiate ? "negotiate" : "connect";
        return context => ConnectionRequests.Opens(context.Request, negotiate) && !TryAdmit()
            ? RefuseAsync(context, operation)
            : next(context);
    }

    private bool TryAdmit()
    {
        using var lease = _bucket.AttemptAcquire();
        return lease.IsAcquired;
    }

    private Task RefuseAsync(HttpContext context, string operation)
    {
        _metrics.Refused(operation, TenantRealtimeWire.Errors.RateLimited);
        if (_logThrottle.ShouldLog(out var refused))
        {
            TenantRealtimeLog.ConnectRateExceeded(_logger, refused, _perSecond, LogThrottle.Interval.TotalSeconds);
        }

        // Clients retry a refused connect; one second is when the bucket holds a full second's worth again.
        context.Response.Headers.RetryAfter = "1";
        var problem = TypedResults.Problem(
            detail: string.Create(CultureInfo.InvariantCulture, $"This server takes {_perSecond} new connections per second ({nameof(TenantRealtimeOptions.MaxConnectsPerSecond)}) and has taken them for now. Retry after a second, with some jitter."),
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many new connections at once.",
            type: "https://tools.ietf.org/html/rfc6585#section-4",
            extensions: new Dictionary<string, object?> { ["code"] = TenantRealtimeWire.Errors.RateLimited });
        return problem.ExecuteAsync(context);
    }

    public void Dispose() => _bucket.Dispose();
}
