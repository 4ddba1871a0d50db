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
    private ChannelMessageQueue? _queue;
    private Task _subscribing = Task.CompletedTask;

    /// <summary>Subscribes in the background, retrying while Redis is unreachable; StackExchange.Redis then
    /// re-subscribes by itself after every reconnect.</summary>
    public void Start() => _subscribing = Task.Run(() => SubscribeAsync(_stopping.Token));

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _subscribing.ConfigureAwait(false);
        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                // The subscription dies with the multiplexer anyway.
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task SubscribeAsync(CancellationToken stopping)
    {
        var subscriber = await connection.GetSubscriberAsync().ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var queue = await subscriber.SubscribeAsync(connection.Keys.Revocation).ConfigureAwait(false);
                queue.OnMessage(OnMessageAsync);
                _queue = queue;
                return;
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                RedisLog.RevocationSubscribeFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
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
