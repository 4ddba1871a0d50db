using Microsoft.AspNetCore.Http;

namespace TenantRealtime.Limits;

/// <summary>The one wrapper of the hub's endpoints: every <see cref="IEndpointGuard"/> in order, then SignalR.</summary>
internal static class EndpointGuards
{
    /// <summary>The operation of the negotiate endpoint, as the guards and the refusal metric name it.</summary>
    public const string Negotiate = "negotiate";

    /// <summary>The operation of the connect endpoint (the transport's request).</summary>
    public const string Connect = "connect";

    /// <summary>Wraps one of the hub's endpoints with <paramref name="guards"/>; the first refusal answers the request.</summary>
    public static RequestDelegate Wrap(RequestDelegate next, bool negotiate, params IEndpointGuard[] guards)
    {
        ArgumentNullException.ThrowIfNull(next);
        var operation = negotiate ? Negotiate : Connect;
        return context =>
        {
            var opens = ConnectionRequests.Opens(context.Request, negotiate);
            foreach (var guard in guards)
            {
                if (guard.Check(context, operation, opens) is { } refusal)
                {
                    return refusal.ExecuteAsync(context);
                }
            }

            return next(context);
        };
    }

    /// <summary>A refusal as RFC 7807 problem details carrying its <c>code</c>.</summary>
    public static IResult Problem(int status, string type, string title, string detail, string code) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type, extensions: new Dictionary<string, object?> { ["code"] = code });
}
