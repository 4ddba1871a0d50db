using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// Applies revocation requests published by other servers to this server's connections, through the core's
/// <see cref="LocalRevocation"/>. The sender already applied its own, so its echo is skipped.
/// </summary>
internal sealed class RevocationSubscriber(
    SharedRedisConnection connection,
    LocalRevocation local,
    RedisConnectionRegistry registry,
    IOptionsMonitor<TenantRealtimeOptions> coreOptions,
    TimeProvider time,
    ILogger<RevocationSubscriber> logger) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ChannelSubscription? _subscription;

    /// <summary>Subscribes in the background (see <see cref="ChannelSubscription"/>).</summary>
    public void Start()
    {
        _subscription = new ChannelSubscription(connection, connection.Keys.Revocation, OnMessageAsync, ex => RedisLog.RevocationSubscribeFailed(logger, ex), time);
        _subscription.Start();
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await (_subscription?.StopAsync() ?? Task.CompletedTask).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _stopping.Dispose();
    }

    internal async Task OnMessageAsync(ChannelMessage channelMessage)
    {
        var payload = (byte[]?)channelMessage.Message ?? [];
        if (!RevocationMessage.TryParse(payload, coreOptions.CurrentValue.MaxIdLength, out var message, out var problem))
        {
            RedisLog.RevocationRejected(logger, problem!);
            return;
        }

        if (string.Equals(message!.ServerId, registry.ServerId, StringComparison.Ordinal))
        {
            return;
        }

        RedisLog.RevocationReceived(logger, message.Operation, message.OrganizationId, message.ServerId);
        try
        {
            await (message.Operation switch
            {
                RevocationMessage.DisconnectUser => local.DisconnectUserAsync(message.OrganizationId, message.TargetId, _stopping.Token),
                RevocationMessage.DisconnectTenant => local.DisconnectTenantAsync(message.OrganizationId, message.TargetId, _stopping.Token),
                _ => local.RefreshUserRoomsAsync(message.OrganizationId, message.TargetId, _stopping.Token),
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A handler exception would be swallowed by StackExchange.Redis; log it where an operator looks.
            RedisLog.RevocationFailed(logger, message.Operation, message.OrganizationId, ex);
        }
    }
}
