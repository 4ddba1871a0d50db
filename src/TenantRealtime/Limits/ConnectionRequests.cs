using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace TenantRealtime.Limits;

/// <summary>Which requests to the hub's endpoints open a connection: what the connection guards look at.</summary>
internal static class ConnectionRequests
{
    /// <summary>
    /// SignalR maps two endpoints (aspnetcore's <c>MapConnections</c>): <c>{pattern}/negotiate</c>, whose POST creates a
    /// connection, and <c>{pattern}</c>, where a WebSocket request without a connection token (<c>?id=</c>) creates
    /// one too (a client that skips negotiation). Requests with a token belong to a connection negotiated before
    /// (long polling's polls and sends, server-sent events, a WebSocket after negotiate) and a DELETE ends one: those
    /// never open a connection.
    /// </summary>
    public static bool Opens(HttpRequest request, bool negotiate) =>
        negotiate
            ? HttpMethods.IsPost(request.Method)
            : !HttpMethods.IsDelete(request.Method) && StringValues.IsNullOrEmpty(request.Query["id"]);
}
