using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TenantRealtime.Diagnostics;
using TenantRealtime.Limits;

namespace TenantRealtime.Hosting.Internal;

/// <summary>
/// Refuses cross-site requests to the hub: a request that carries an <c>Origin</c> is served only when that origin is
/// the app's own or listed in <see cref="TenantRealtimeOptions.AllowedOrigins"/> (any, with
/// <see cref="TenantRealtimeOptions.AllowAnyOrigin"/>). Browsers attach cookies to WebSocket handshakes and CORS does
/// not apply to them, so without this a page of another site could open the hub as its signed-in visitor
/// (cross-site WebSocket hijacking). Requests without <c>Origin</c> (native, server and test clients) pass.
/// </summary>
internal sealed class OriginGuard(IOptionsMonitor<TenantRealtimeOptions> options, TenantRealtimeMetrics metrics, TimeProvider time, ILogger<OriginGuard> logger) : IEndpointGuard
{
    /// <summary>The refusal code of the metric; the problem details carry the contract's <c>forbidden</c>.</summary>
    public const string ForeignOrigin = "foreign-origin";

    private readonly LogThrottle _logThrottle = new(time);

    /// <summary>Every request to the hub's endpoints (every transport), whether or not it opens a connection.</summary>
    public IResult? Check(HttpContext context, string operation, bool opensConnection) =>
        IsAllowed(context.Request, out var origin) ? null : Refuse(context, operation, origin!);

    public bool IsAllowed(HttpRequest request, out string? origin)
    {
        origin = request.Headers[HeaderNames.Origin];
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        var o = options.CurrentValue;
        if (o.AllowAnyOrigin)
        {
            return true;
        }

        // "null" (sandboxed frames, files) and malformed values are no one's own origin.
        return Origins.TryNormalize(origin, out var normalized) &&
            (Origins.IsOwn(request, normalized) || o.AllowedOrigins.Any(allowed => Origins.TryNormalize(allowed, out var entry) && entry == normalized));
    }

    private IResult Refuse(HttpContext context, string operation, string origin)
    {
        metrics.Refused(operation, ForeignOrigin);
        if (_logThrottle.ShouldLog(out var refused))
        {
            TenantRealtimeLog.ForeignOrigin(logger, origin, $"{context.Request.Scheme}://{context.Request.Host}", refused, LogThrottle.Interval.TotalSeconds);
        }

        return EndpointGuards.Problem(
            StatusCodes.Status403Forbidden,
            "https://tools.ietf.org/html/rfc9110#section-15.5.4",
            "The request's origin may not use this hub.",
            $"The request's origin '{origin}' is neither this app's own nor listed in {nameof(TenantRealtimeOptions)}.{nameof(TenantRealtimeOptions.AllowedOrigins)}. Serve the page from this app, or list its origin there (behind a proxy, see UseForwardedHeaders).",
            TenantRealtimeWire.Errors.Forbidden);
    }
}
