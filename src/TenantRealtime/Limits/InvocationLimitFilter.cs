using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;

namespace TenantRealtime.Limits;

/// <summary>
/// Rate-limits every hub invocation per connection. An invocation over the limit fails with <c>rate-limited</c>;
/// a connection that keeps going after many refusals in a row is closed as flooding (<c>rate-limited: …</c>, reconnecting
/// not allowed: an automatic reconnect would flood again). Others are unaffected:
/// each connection has its own bucket.
/// </summary>
internal sealed class InvocationLimitFilter(
    InvocationRateLimiter limiter,
    LocalConnectionStore store,
    ILocalDelivery delivery,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILogger<InvocationLimitFilter> logger) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        var state = store.Find(context.ConnectionId);
        if (limiter.TryAcquire(context.ConnectionId))
        {
            state?.ResetRateLimited();
            return next(invocationContext);
        }

        metrics.RateLimited();
        TenantRealtimeLog.RateLimited(logger, context.ConnectionId, invocationContext.HubMethodName);
        if (state is not null && state.CountRateLimited() >= options.CurrentValue.DisconnectAfterRateLimitedInvocations)
        {
            // Its calls queued behind this one keep counting: only the first close writes a reason, and is logged.
            if (delivery.CloseWithReason(context.ConnectionId, $"{TenantRealtimeWire.Errors.RateLimited}: the connection kept invoking over the rate limit; it is closed.", allowReconnect: false))
            {
                TenantRealtimeLog.ConnectionRevoked(logger, context.ConnectionId, state.Identity?.UserId ?? "", state.Identity?.OrganizationId ?? "", "it kept invoking over the rate limit.");
                metrics.ClosedByServer("flooding");
            }
        }

        throw HubErrors.RateLimited("too many calls on this connection; slow down.");
    }
}
