using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.Presence;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.Hosting.Internal;

/// <summary>
/// Connects at start (so the first broadcast finds a connection), listens to the global broadcast channel (the
/// organizations' channels follow the connections), starts the registry heartbeat, the revocation subscription, the outbox drainer and
/// (with presence on) the presence writer; at stop it
/// tries briefly to send the outbox, and removes this server's share of the counts at once.
/// </summary>
internal sealed class RedisHostedService(
    SharedRedisConnection connection,
    RoomSubscriptions subscriptions,
    RedisConnectionRegistry registry,
    RevocationSubscriber revocation,
    OutboxDrainer drainer,
    PresenceWriter presence,
    IOptions<TenantRealtimeOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // With AbortOnConnectFail off this returns after the first attempt even when Redis is down.
        await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        subscriptions.Start();
        registry.Start();
        revocation.Start();
        drainer.Start();
        // Presence is written for organizations and tenants, or only for the topics of prefixes that track it.
        if (options.Value.EnablePresence || RoomBounds.AnyTopicPresence(options.Value))
        {
            presence.Start();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // First, while Redis and the backplane are still there: a short, bounded try to send the outbox.
        await drainer.StopAsync(cancellationToken).ConfigureAwait(false);
        await revocation.StopAsync().ConfigureAwait(false);
        await subscriptions.StopAsync().ConfigureAwait(false);
        await presence.StopAsync(cancellationToken).ConfigureAwait(false);
        await registry.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
