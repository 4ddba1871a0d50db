using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// What a connection's HTTP request keeps that the live connection no longer needs. A WebSocket connection holds its
/// request, and all it carries, for as long as it lives: per idle connection, at tens of thousands of them.
/// </summary>
internal static class HandshakeLeftovers
{
    /// <summary>
    /// Drops the request's <see cref="AuthenticateResult"/> once the connection is accepted; <c>HttpContext.User</c>
    /// stays. The result's ticket and properties (with JwtBearer's <c>SaveToken</c>, on by default, the raw access
    /// token) were read at connect (<see cref="AuthenticationExpiry.ExpiryOf"/>) and are not needed again.
    /// </summary>
    public static void Release(HttpContext? httpContext)
    {
        if (httpContext?.Features.Get<IAuthenticateResultFeature>() is not { AuthenticateResult: not null } result)
        {
            return;
        }

        // ASP.NET Core keeps the user and the result together (setting the result sets the user): keep the user.
        var user = httpContext.User;
        result.AuthenticateResult = null;
        httpContext.User = user;
    }
}
