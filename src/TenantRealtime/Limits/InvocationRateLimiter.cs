using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TenantRealtime.Limits;

/// <summary>
/// One token bucket per connection, kept by a partitioned limiter: it replenishes every bucket from a single timer
/// and drops buckets of connections idle for a while, so a connection costs no timer of its own.
/// </summary>
internal sealed class InvocationRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public InvocationRateLimiter(IOptions<TenantRealtimeOptions> options)
    {
        var o = options.Value;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.InvocationBurst,
            TokensPerPeriod = Math.Max(1, o.InvocationsPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, o.InvocationsPerSecond / 10) / (double)o.InvocationsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(connectionId => RateLimitPartition.GetTokenBucketLimiter(connectionId, _ => bucket));
    }

    /// <summary>Takes one token from the connection's bucket; false when it is empty.</summary>
    public bool TryAcquire(string connectionId)
    {
        using var lease = _limiter.AttemptAcquire(connectionId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
