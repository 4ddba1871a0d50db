using System.Globalization;
using Microsoft.AspNetCore.Http;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Limits;

/// <summary>The ceiling on the hub's two endpoints: refusing with 503, counting and logging the refusals.</summary>
internal sealed partial class ConnectionCeiling : IEndpointGuard
{
    /// <summary>The refusal code of the metric and of the problem details.</summary>
    public const string OverCapacity = "over-capacity";

    /// <summary>A request that opens a connection while the server is at its ceiling is refused; the others always pass.</summary>
    public IResult? Check(HttpContext context, string operation, bool opensConnection) =>
        opensConnection && IsReached(out var limit) ? Refuse(operation, limit) : null;

    private IResult Refuse(string operation, int limit)
    {
        _metrics.Refused(operation, OverCapacity);
        LogRefusal(limit);
        var source = _options.CurrentValue.MaxConnectionsPerServer is null ? ", derived from the open-file limit" : "";
        return EndpointGuards.Problem(
            StatusCodes.Status503ServiceUnavailable,
            "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            "The server is at its connection ceiling.",
            string.Create(CultureInfo.InvariantCulture, $"This server already has {limit} connections, its ceiling ({nameof(TenantRealtimeOptions.MaxConnectionsPerServer)} = {limit}{source}). Try again later."),
            OverCapacity);
    }

    private void LogRefusal(int limit)
    {
        if (_logThrottle.ShouldLog(out var refused))
        {
            TenantRealtimeLog.OverCapacity(_logger, refused, limit, LogThrottle.Interval.TotalSeconds);
        }
    }
}
