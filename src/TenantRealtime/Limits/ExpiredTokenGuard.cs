using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Limits;

/// <summary>
/// Refuses, at negotiate, a token already expired by its <c>exp</c>: JwtBearer still accepts it within its clock skew
/// (5 minutes by default), and without this the client would negotiate, start, and be closed at once by the hub. A 401
/// with problem details (<c>code: unauthenticated</c>) is what an app checks to send its user to sign in again.
/// The connect request of a client that skips negotiation passes: a browser cannot read a WebSocket's 401, so the hub
/// refuses that connection with its coded close (<c>unauthenticated: token expired</c>) instead.
/// </summary>
internal sealed class ExpiredTokenGuard(TenantRealtimeMetrics metrics, TimeProvider time, ILogger<ExpiredTokenGuard> logger) : IEndpointGuard
{
    /// <summary>A negotiate that opens a connection with an authenticated user whose authentication has expired is refused.</summary>
    public IResult? Check(HttpContext context, string operation, bool opensConnection)
    {
        if (!opensConnection || operation != EndpointGuards.Negotiate || context.User.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        // The same expiry the hub watches, so the endpoint's CloseOnAuthenticationExpiration opt-out applies here too.
        return AuthenticationExpiry.ExpiryOf(context) is { } expiresAt && expiresAt <= time.GetUtcNow()
            ? Refuse(operation, expiresAt)
            : null;
    }

    private IResult Refuse(string operation, DateTimeOffset expiresAt)
    {
        metrics.Refused(operation, TenantRealtimeWire.Errors.Unauthenticated);
        TenantRealtimeLog.NegotiateTokenExpired(logger, expiresAt);
        return EndpointGuards.Problem(
            StatusCodes.Status401Unauthorized,
            "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            "The access token has expired.",
            string.Create(CultureInfo.InvariantCulture, $"The access token expired at {expiresAt:O}. Get a fresh token and connect again; retrying with this one is refused the same way."),
            TenantRealtimeWire.Errors.Unauthenticated);
    }
}
