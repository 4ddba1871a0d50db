using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;

namespace TenantRealtime.Client.Internal;

/// <summary>
/// A connect the server refuses for now — 429 while it admits new connections at a bounded rate (every client of a
/// deploy coming back at once), 503 at its connection ceiling — asks the client to come back shortly. It is retried
/// after 1 to 2 seconds (the server's <c>Retry-After</c> plus jitter, so refused clients do not return together),
/// at start and on reconnect, without using up the app's reconnect policy.
/// </summary>
internal static class RefusedConnects
{
    /// <summary>
    /// Negotiating, a refusal is an <see cref="HttpRequestException"/> with the status; with
    /// <c>SkipNegotiation</c>, the WebSocket handshake's <see cref="WebSocketException"/> names the status in its
    /// message (the framework's only report of it unless the app collects response details).
    /// </summary>
    public static bool IsRefusedForNow(Exception? error) =>
        error is HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable }
        || (error is WebSocketException && (error.Message.Contains("'429'", StringComparison.Ordinal) || error.Message.Contains("'503'", StringComparison.Ordinal)));

    /// <summary>
    /// A connect refused for good: 401, the token is not accepted (an expired one included, which the server refuses
    /// at negotiate even within its authentication handler's clock skew). Retrying the same token cannot help.
    /// </summary>
    public static bool IsRefusedForGood(Exception? error) =>
        error is HttpRequestException { StatusCode: HttpStatusCode.Unauthorized }
        || (error is WebSocketException && error.Message.Contains("'401'", StringComparison.Ordinal));

    /// <summary>The public report of a refusal for good, keeping the transport's exception as its cause.</summary>
    public static ConnectionRefusedException ForGood(Exception refusal) =>
        refusal as ConnectionRefusedException ?? new ConnectionRefusedException(
            "The server refused the connection (401, unauthenticated): the access token is not accepted, for example because it has expired. Get a fresh token and start again.",
            refusal);

    public static TimeSpan NextDelay() => TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(1000));
}

/// <summary>
/// The app's reconnect policy (or SignalR's default delays, 0, 2, 10 and 30 seconds) with refused connects retried
/// as <see cref="RefusedConnects"/> says: they do not count as attempts of the policy. An attempt refused for good
/// (401) ends reconnecting, whatever the app's policy, and is kept in <see cref="TakeRefusal"/> for the client to report.
/// </summary>
internal sealed class RefusalAwareRetryPolicy(IRetryPolicy? inner) : IRetryPolicy
{
    // SignalR's own default (its DefaultRetryPolicy is internal).
    private static readonly TimeSpan[] DefaultDelays = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    private int _refusals;
    private Exception? _refusedForGood;

    /// <summary>The refusal that ended the last reconnect, once; null when it ended otherwise.</summary>
    public Exception? TakeRefusal() => Interlocked.Exchange(ref _refusedForGood, null);

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        // SignalR counts attempts per reconnect, from 0 after each drop.
        if (retryContext.PreviousRetryCount == 0)
        {
            // The first reason is the close itself (for example unauthenticated: token expired): reconnecting asks
            // the token provider again, so it is tried.
            _refusals = 0;
            _refusedForGood = null;
        }
        else if (RefusedConnects.IsRefusedForGood(retryContext.RetryReason))
        {
            _refusedForGood = retryContext.RetryReason;
            return null;
        }
        else if (RefusedConnects.IsRefusedForNow(retryContext.RetryReason))
        {
            _refusals++;
            return RefusedConnects.NextDelay();
        }

        var attempts = retryContext.PreviousRetryCount - _refusals;
        if (inner is not null)
        {
            return inner.NextRetryDelay(new RetryContext { PreviousRetryCount = attempts, ElapsedTime = retryContext.ElapsedTime, RetryReason = retryContext.RetryReason });
        }

        return attempts < DefaultDelays.Length ? DefaultDelays[attempts] : null;
    }
}
