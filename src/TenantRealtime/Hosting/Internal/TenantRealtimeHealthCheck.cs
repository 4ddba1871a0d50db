using Microsoft.Extensions.Diagnostics.HealthChecks;
using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Hosting.Internal;

/// <summary>Healthy when the connection registry answers; reports this server's and the registry's counts.</summary>
internal sealed class TenantRealtimeHealthCheck(IConnectionRegistry registry, LocalConnectionStore store) : IHealthCheck
{
    public const string Name = "tenantrealtime";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var total = await registry.CountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                "The connection registry answers.",
                new Dictionary<string, object> { ["connections"] = total, ["localConnections"] = store.Count });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The connection registry does not answer.", ex);
        }
    }
}
