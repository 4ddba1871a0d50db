using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace TenantRealtime;

/// <summary>What an <see cref="IAuthenticator"/> knows about a connection.</summary>
public sealed class AuthenticationContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="user">The user the app's authentication established (possibly unauthenticated).</param>
    /// <param name="httpContext">The HTTP context of the connection, when the transport has one.</param>
    /// <param name="request">The client's <c>Authenticate</c> request, or <see langword="null"/> on connect.</param>
    public AuthenticationContext(string connectionId, ClaimsPrincipal user, HttpContext? httpContext, AuthenticateRequest? request)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(user);
        ConnectionId = connectionId;
        User = user;
        HttpContext = httpContext;
        Request = request;
    }

    /// <summary>Gets the SignalR connection id.</summary>
    public string ConnectionId { get; }

    /// <summary>Gets the user the app's authentication established.</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>Gets the connection's HTTP context, when the transport has one.</summary>
    public HttpContext? HttpContext { get; }

    /// <summary>Gets the client's <c>Authenticate</c> request, or <see langword="null"/> when the connection starts.</summary>
    public AuthenticateRequest? Request { get; }
}
