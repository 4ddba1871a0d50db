using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TenantRealtime.Delivery;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Receives the tenant hub's sends published by other servers, in publish order, and hands each to this server's
/// <see cref="TenantHubLifetimeManager"/>, which writes it to the local recipients through their bounded senders: a
/// stalled reader on this server never holds up the subscription. Its own echo is skipped.
/// </summary>
internal sealed class DeliverySubscriber(
    SharedRedisConnection connection,
    RedisDelivery delivery,
    TenantHubLifetimeManager local,
    TimeProvider time,
    ILogger<DeliverySubscriber> logger) : IDisposable
{
    private ChannelSubscription? _subscription;

    public void Start()
    {
        _subscription = new ChannelSubscription(connection, connection.Keys.Deliveries, OnMessage, ex => RedisLog.DeliverySubscribeFailed(logger, ex), time);
        _subscription.Start();
    }

    public Task StopAsync() => _subscription?.StopAsync() ?? Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    internal Task OnMessage(ChannelMessage message)
    {
        var payload = (ReadOnlyMemory<byte>)message.Message;
        if (!DeliveryMessage.TryRead(payload, out var origin, out var send))
        {
            RedisLog.DeliveryRejected(logger, payload.Length);
            return Task.CompletedTask;
        }

        if (origin != delivery.Origin)
        {
            local.Deliver(send);
        }

        return Task.CompletedTask;
    }
}
