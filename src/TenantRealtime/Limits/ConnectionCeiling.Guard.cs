using System.Globalization;
using Microsoft.AspNetCore.Http;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Limits;

/// <summary>The ceiling on the hub's two endpoints: refusing with 503, counting and logging the refusals.</summary>
internal sealed partial class ConnectionCeiling
{
    /// <summary>The refusal code of the metric and of the problem details.</summary>
    public const string OverCapacity = "over-capacity";

    /// <summary>
    /// Wraps one of the hub's endpoints: a request that opens a connection (<see cref="ConnectionRequests.Opens"/>)
    /// while the server is at its ceiling is refused; the others always pass.
    /// </summary>
    public RequestDelegate Guard(RequestDelegate next, bool negotiate)
    {
        ArgumentNullException.ThrowIfNull(next);
        var operation = negotiate ? "negotiate" : "connect";
        return context => ConnectionRequests.Opens(context.Request, negotiate) && IsReached(out var limit)
            ? RefuseAsync(context, operation, limit)
            : next(context);
    }

    private Task RefuseAsync(HttpContext context, string operation, int limit)
    {
        _metrics.Refused(operation, OverCapacity);
        LogRefusal(limit);
        var source = _options.CurrentValue.MaxConnectionsPerServer is null ? ", derived from the open-file limit" : "";
        var problem = TypedResults.Problem(
            detail: string.Create(CultureInfo.InvariantCulture, $"This server already has {limit} connections, its ceiling ({nameof(TenantRealtimeOptions.MaxConnectionsPerServer)} = {limit}{source}). Try again later."),
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The server is at its connection ceiling.",
            type: "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            extensions: new Dictionary<string, object?> { ["code"] = OverCapacity });
        return problem.ExecuteAsync(context);
    }

    private void LogRefusal(int limit)
    {
        if (_logThrottle.ShouldLog(out var refused))
        {
            TenantRealtimeLog.OverCapacity(_logger, refused, limit, LogThrottle.Interval.TotalSeconds);
        }
    }
}
