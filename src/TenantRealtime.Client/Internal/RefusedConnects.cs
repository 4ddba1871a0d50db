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

    public static TimeSpan NextDelay() => TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(1000));
}

/// <summary>
/// The app's reconnect policy (or SignalR's default delays, 0, 2, 10 and 30 seconds) with refused connects retried
/// as <see cref="RefusedConnects"/> says: they do not count as attempts of the policy.
/// </summary>
internal sealed class RefusalAwareRetryPolicy(IRetryPolicy? inner) : IRetryPolicy
{
    // SignalR's own default (its DefaultRetryPolicy is internal).
    private static readonly TimeSpan[] DefaultDelays = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    private int _refusals;

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        // SignalR counts attempts per reconnect, from 0 after each drop.
        if (retryContext.PreviousRetryCount == 0)
        {
            _refusals = 0;
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
