using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// A connection lives no longer than its authentication: each connection's expiry (the authentication result's
/// <c>ExpiresUtc</c>, which JwtBearer sets from the token's <c>exp</c>, whatever its clock skew) is kept in one ordered
/// set with one timer armed for the earliest, and a connection that reaches it is closed with
/// <c>unauthenticated: token expired</c> and reconnecting allowed, so its client comes back with a fresh token.
/// No timer per connection.
/// </summary>
internal sealed class AuthenticationExpiry : IDisposable
{
    public const string Reason = "token expired";

    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly SortedSet<(DateTimeOffset At, string ConnectionId)> _due = [];
    private readonly Dictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly ILocalDelivery _delivery;
    private readonly TenantRealtimeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<AuthenticationExpiry> _logger;
    private readonly ITimer _timer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;

    public AuthenticationExpiry(ILocalDelivery delivery, TenantRealtimeMetrics metrics, TimeProvider time, ILogger<AuthenticationExpiry> logger)
    {
        _delivery = delivery;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => CloseExpired(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// When the authentication of the connection behind <paramref name="httpContext"/> expires, or null when it does
    /// not say (or closing at expiry is off for the endpoint: <c>CloseOnAuthenticationExpiration = false</c>).
    /// </summary>
    public static DateTimeOffset? ExpiryOf(HttpContext? httpContext)
    {
        if (httpContext?.GetEndpoint()?.Metadata.GetMetadata<Policy>() is { CloseAtExpiry: false })
        {
            return null;
        }

        return httpContext?.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
    }

    /// <summary>Gets how many connections have an expiry being watched.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _due.Count;
            }
        }
    }

    public bool HasExpired(DateTimeOffset expiresAt) => expiresAt <= _time.GetUtcNow();

    public void Track(string connectionId, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            _expiries[connectionId] = expiresAt;
            _due.Add((expiresAt, connectionId));
            ArmLocked();
        }
    }

    public void Forget(string connectionId)
    {
        lock (_lock)
        {
            if (_expiries.Remove(connectionId, out var at))
            {
                _due.Remove((at, connectionId));
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void CloseExpired()
    {
        var expired = new List<string>();
        lock (_lock)
        {
            _armedFor = DateTimeOffset.MaxValue;
            var now = _time.GetUtcNow();
            while (_due.Count > 0 && _due.Min is var first && first.At <= now)
            {
                _due.Remove(first);
                _expiries.Remove(first.ConnectionId);
                expired.Add(first.ConnectionId);
            }

            ArmLocked();
        }

        foreach (var connectionId in expired)
        {
            // Counted only when this closed it, as revocation and flooding count theirs.
            if (_delivery.CloseWithReason(connectionId, $"{TenantRealtimeWire.Errors.Unauthenticated}: {Reason}", allowReconnect: true))
            {
                TenantRealtimeLog.AuthenticationExpired(_logger, connectionId);
                _metrics.ClosedByServer("expired");
            }
        }
    }

    private void ArmLocked()
    {
        if (_due.Count == 0 || _due.Min is var first && first.At >= _armedFor)
        {
            return;
        }

        // A timer waits at most ~49 days; a longer-lived token is simply looked at again when it fires.
        var wait = first.At - _time.GetUtcNow();
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;
        _armedFor = _time.GetUtcNow() + wait;
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Endpoint metadata: whether <c>MapTenantRealtime</c>'s endpoint closes connections at expiry.</summary>
    internal sealed record Policy(bool CloseAtExpiry);
}
