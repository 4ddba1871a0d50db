using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// Revocation for every server: carried out here through the core's <see cref="LocalRevocation"/> (which
/// validates the ids), then published for the others, which apply it the same way (<see cref="RevocationSubscriber"/>).
/// </summary>
internal sealed class ClusterRevocation(
    LocalRevocation local,
    SharedRedisConnection connection,
    RedisCallPolicy policy,
    RedisConnectionRegistry registry) : ITenantConnectionManager
{
    public async Task DisconnectUserAsync(string organizationId, string userId, CancellationToken cancellationToken = default)
    {
        await local.DisconnectUserAsync(organizationId, userId, cancellationToken).ConfigureAwait(false);
        await PublishAsync(RevocationMessage.DisconnectUser, organizationId, userId).ConfigureAwait(false);
    }

    public async Task DisconnectTenantAsync(string organizationId, string tenantId, CancellationToken cancellationToken = default)
    {
        await local.DisconnectTenantAsync(organizationId, tenantId, cancellationToken).ConfigureAwait(false);
        await PublishAsync(RevocationMessage.DisconnectTenant, organizationId, tenantId).ConfigureAwait(false);
    }

    public async Task RefreshUserRoomsAsync(string organizationId, string userId, CancellationToken cancellationToken = default)
    {
        await local.RefreshUserRoomsAsync(organizationId, userId, cancellationToken).ConfigureAwait(false);
        await PublishAsync(RevocationMessage.RefreshUserRooms, organizationId, userId).ConfigureAwait(false);
    }

    private async Task PublishAsync(string operation, string organizationId, string targetId)
    {
        // Unlike a broadcast, a revocation that did not reach the other servers is a security problem the caller
        // must hear about, so it throws (at once when Redis is known to be down, rather than after a timeout).
        if (policy.IsKnownDown)
        {
            throw new InvalidOperationException(
                $"The revocation was carried out on this server but could not be sent to the others: Redis is not connected. Retry when Redis is back (the '{RedisHealth.CheckName}' health check reports it).");
        }

        var message = new RevocationMessage(RevocationMessage.CurrentVersion, operation, organizationId, targetId, registry.ServerId);
        var subscriber = await connection.GetSubscriberAsync().ConfigureAwait(false);
        await subscriber.PublishAsync(connection.Keys.Revocation, message.ToUtf8()).ConfigureAwait(false);
    }
}
