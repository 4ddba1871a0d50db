using System.Net;

namespace TenantRealtime.Client;

/// <summary>
/// The server refused the connection for good: its answer will not change by retrying with the same credentials.
/// Today that is a 401 (<see cref="Code"/> <c>unauthenticated</c>): the access token is not accepted, for example
/// because it has already expired (the server refuses an expired token at negotiate even while its authentication
/// handler's clock skew would still accept it). <see cref="TenantRealtimeClient.StartAsync"/> throws it, and
/// <see cref="TenantRealtimeClient.Refused"/> reports it when a reconnect is refused; the client does not retry. Get a
/// fresh token (sign the user in again) and call <see cref="TenantRealtimeClient.StartAsync"/>: the rooms resume.
/// </summary>
public sealed class ConnectionRefusedException : Exception
{
    /// <summary>Initializes a new instance for a 401 <c>unauthenticated</c> refusal.</summary>
    public ConnectionRefusedException()
        : this("The server refused the connection (401, unauthenticated): the access token is not accepted, for example because it has expired. Get a fresh token and start again.")
    {
    }

    /// <summary>Initializes a new instance for a 401 <c>unauthenticated</c> refusal, with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public ConnectionRefusedException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance for a 401 <c>unauthenticated</c> refusal, with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The transport's report of the refusal (an <see cref="HttpRequestException"/> at negotiate).</param>
    public ConnectionRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status the server answered: <see cref="HttpStatusCode.Unauthorized"/>.</summary>
    public HttpStatusCode StatusCode { get; init; } = HttpStatusCode.Unauthorized;

    /// <summary>Gets the refusal's code of the wire contract: <c>unauthenticated</c> (<see cref="TenantRealtimeWire.Errors.Unauthenticated"/>).</summary>
    public string Code { get; init; } = TenantRealtimeWire.Errors.Unauthenticated;
}
