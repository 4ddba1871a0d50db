using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Hosting.Internal;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// The tenant hub's sends to the other servers: one publish per send on the application's delivery channel, with the
/// message serialized in every protocol the hub speaks. Every server delivers what it receives to its own connections
/// through their bounded senders (<see cref="DeliverySubscriber"/>); the origin delivered locally already and ignores
/// its echo. Like SignalR's backplane decorator, it never throws a Redis failure into the caller and never waits longer
/// than <see cref="TenantRealtimeRedisOptions.BroadcastTimeout"/>: a numbered broadcast whose publish is lost is still in
/// the history, and clients get it with <c>Resume</c>.
/// </summary>
internal sealed class RedisDelivery : IRemoteDelivery
{
    private readonly SharedRedisConnection _connection;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisDelivery> _logger;
    private readonly TimeSpan _timeout;
    private readonly Guid _origin;
    private readonly IHubProtocol[] _protocols;

    public RedisDelivery(
        SharedRedisConnection connection,
        RedisConnectionRegistry registry,
        IHubProtocolResolver protocols,
        IOptions<HubOptions<TenantRealtimeHub>> hubOptions,
        IOptions<TenantRealtimeRedisOptions> options,
        RedisMetrics metrics,
        TimeProvider time,
        ILogger<RedisDelivery> logger)
    {
        _connection = connection;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _timeout = options.Value.BroadcastTimeout;
        _origin = Guid.ParseExact(registry.ServerId, "N");

        // Every protocol the hub accepts, so a server can write to any of its connections without serializing again.
        var supported = hubOptions.Value.SupportedProtocols;
        _protocols = [.. protocols.AllProtocols.Where(p => supported is null || supported.Contains(p.Name, StringComparer.OrdinalIgnoreCase))];
    }

    public bool IsEnabled => true;

    /// <summary>Gets this server's id in delivery messages, to skip its own echo.</summary>
    public Guid Origin => _origin;

    public Task PublishAsync(RemoteSend send, CancellationToken cancellationToken)
    {
        if (_connection.IsStarted && !_connection.IsConnected)
        {
            Drop("disconnected");
            return Task.CompletedTask;
        }

        Task publish;
        try
        {
            var payload = DeliveryMessage.Write(_origin, send, _protocols);
            publish = PublishCoreAsync(payload);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            Fail(ex);
            return Task.CompletedTask;
        }

        return publish.IsCompletedSuccessfully ? publish : AwaitBoundedAsync(publish);
    }

    private async Task PublishCoreAsync(byte[] payload)
    {
        var subscriber = await _connection.GetSubscriberAsync().ConfigureAwait(false);
        await subscriber.PublishAsync(_connection.Keys.Deliveries, payload).ConfigureAwait(false);
    }

    private async Task AwaitBoundedAsync(Task publish)
    {
        try
        {
            await publish.WaitAsync(_timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!publish.IsCompleted)
        {
            // Redis has not answered in time: stop holding the caller. The publish is queued in order behind earlier
            // ones; if it fails later that is logged and counted, not thrown.
            RedisLog.BroadcastDetached(_logger, "delivery", _timeout);
            _metrics.Unconfirmed();
            _ = ObserveAsync(publish);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            Fail(ex);
        }
    }

    private async Task ObserveAsync(Task publish)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RedisLog.DetachedBroadcastFailed(_logger, "delivery", ex);
            _metrics.Dropped("failed");
        }
    }

    private void Drop(string reason)
    {
        RedisLog.BroadcastDropped(_logger, "delivery");
        _metrics.Dropped(reason);
    }

    private void Fail(Exception ex)
    {
        RedisLog.BroadcastFailed(_logger, "delivery", ex);
        _metrics.Dropped("failed");
    }
}
