using Microsoft.AspNetCore.Http;

namespace TenantRealtime.Limits;

/// <summary>
/// A check on the hub's two endpoints (negotiate and connect) that may refuse a request before SignalR sees it: the
/// origin, a token already expired (at negotiate), the server's connection ceiling, the connect rate.
/// <see cref="EndpointGuards.Wrap"/> runs them in order.
/// </summary>
internal interface IEndpointGuard
{
    /// <summary>
    /// Lets the request through (<see langword="null"/>) or returns its refusal, already counted and logged.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="operation"><c>negotiate</c> or <c>connect</c>, for the metric.</param>
    /// <param name="opensConnection">Whether the request opens a connection (<see cref="ConnectionRequests.Opens"/>).</param>
    IResult? Check(HttpContext context, string operation, bool opensConnection);
}
