using Microsoft.Extensions.Diagnostics.HealthChecks;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Hosting.Internal;

/// <summary>Unhealthy while the shared multiplexer has no connection; otherwise a PING, with its latency as data.</summary>
internal sealed class RedisHealthCheck(SharedRedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!connection.IsConnected)
        {
            // Answer at once: a PING now would wait for StackExchange.Redis's timeout.
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis is not connected; broadcasts to other servers are being dropped.");
        }

        try
        {
            var multiplexer = await connection.GetAsync().ConfigureAwait(false);
            var latency = await multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                "Redis answered PING.",
                new Dictionary<string, object> { ["latencyMs"] = latency.TotalMilliseconds, ["channelPrefix"] = connection.Keys.ChannelPrefix });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer PING.", ex);
        }
    }
}
