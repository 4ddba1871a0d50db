using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Limits;

/// <summary>The ceiling on the hub's two endpoints: refusing with 503, counting and logging the refusals.</summary>
internal sealed partial class ConnectionCeiling
{
    /// <summary>The refusal code of the metric and of the problem details.</summary>
    public const string OverCapacity = "over-capacity";

    /// <summary>
    /// Wraps one of the hub's endpoints. SignalR maps two (aspnetcore's <c>MapConnections</c>): <c>{pattern}/negotiate</c>,
    /// whose POST creates a connection, and <c>{pattern}</c>, where a WebSocket request without a connection token
    /// (<c>?id=</c>) creates one too (a client that skips negotiation). Requests with a token belong to a connection
    /// negotiated before (long polling's polls and sends, server-sent events, a WebSocket after negotiate) and a
    /// DELETE ends one: those always pass.
    /// </summary>
    public RequestDelegate Guard(RequestDelegate next, bool negotiate)
    {
        ArgumentNullException.ThrowIfNull(next);
        var operation = negotiate ? "negotiate" : "connect";
        return context => OpensConnection(context.Request, negotiate) && IsReached(out var limit)
            ? RefuseAsync(context, operation, limit)
            : next(context);
    }

    private static bool OpensConnection(HttpRequest request, bool negotiate) =>
        negotiate
            ? HttpMethods.IsPost(request.Method)
            : !HttpMethods.IsDelete(request.Method) && StringValues.IsNullOrEmpty(request.Query["id"]);

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
