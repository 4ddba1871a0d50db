using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using TenantRealtime.Internal.Hubs;
using TenantRealtime.Redis.Internal.Connection;
using TenantRealtime.Redis.Internal.Registry;
using TenantRealtime.Redis.Internal.Revocation;

namespace TenantRealtime.Redis.Internal;

/// <summary>
/// Connects at start (so the first broadcast finds a connection, and SignalR's backplane is subscribed before the
/// first request), starts the registry heartbeat and the revocation subscription, and at stop removes this
/// server's share of the counts at once.
/// </summary>
internal sealed class RedisHostedService(
    SharedRedisConnection connection,
    HubLifetimeManager<TenantRealtimeHub> backplane,
    RedisConnectionRegistry registry,
    RevocationSubscriber revocation) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // With AbortOnConnectFail off this returns after the first attempt even when Redis is down.
        await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        // Resolving the backplane (constructor) already made SignalR start subscribing; nothing else to do with it.
        _ = backplane;
        registry.Start();
        revocation.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await revocation.StopAsync().ConfigureAwait(false);
        await registry.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
