using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Broadcasting.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Numbers and publishes each broadcast in one Redis step (<see cref="BroadcastPublisher"/>) and delivers it to this
/// server's connections. When Redis is unreachable, or does not answer within
/// <see cref="TenantRealtimeRedisOptions.BroadcastTimeout"/>, the broadcast goes to the bounded
/// <see cref="BroadcastOutbox"/> and the caller continues at once (its receipt has no seq), or, with
/// <see cref="RedisOutageMode.Reject"/>, the call throws <see cref="TenantRealtimeUnavailableException"/>.
/// </summary>
internal sealed class RedisBroadcastSender(
    BroadcastOutbox outbox,
    OutboxDrainer drainer,
    BroadcastPublisher publisher,
    SharedRedisConnection connection,
    IOptions<TenantRealtimeRedisOptions> options,
    RedisMetrics metrics,
    TimeProvider time,
    ILogger<RedisBroadcastSender> logger) : IBroadcastSender
{
    private readonly TimeSpan _timeout = options.Value.BroadcastTimeout;
    private readonly bool _reject = options.Value.OutageMode == RedisOutageMode.Reject;

    public ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new OutboxItem(target, broadcast);

        // Older broadcasts are waiting: this one goes behind them, so a room's broadcasts keep their order.
        if (!_reject && outbox.EnqueueIfBacklogged(item, out var dropped))
        {
            return ValueTask.FromResult(Queued(item, "backlog", dropped));
        }

        // Redis is known to be down: do not wait for the client library to give up (seconds).
        if (connection.IsKnownDown)
        {
            return ValueTask.FromResult(Unavailable(item, "disconnected", null));
        }

        return SendNowAsync(item);
    }

    private async ValueTask<TenantEnvelope> SendNowAsync(OutboxItem item)
    {
        // Not cancelled by the caller: once under way the script may run in Redis, and then it must be delivered here.
        var publishing = publisher.PublishAsync(item);
        TenantEnvelope envelope;
        try
        {
            envelope = await publishing.WaitAsync(_timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!publishing.IsCompleted)
        {
            item.Pending = publishing;
            if (_reject)
            {
                _ = DeliverWhenPublishedAsync(item, publishing);
                throw Reject(item, "timeout", null, mayBeDelivered: true);
            }

            Observe(publishing);
            return Queue(item, "timeout");
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            RedisLog.HistoryAppendFailed(logger, ex);
            return Unavailable(item, "failed", ex);
        }

        publisher.DeliverHere(item, envelope);
        return envelope;
    }

    private TenantEnvelope Unavailable(OutboxItem item, string reason, Exception? failure) =>
        _reject ? throw Reject(item, reason, failure, mayBeDelivered: false) : Queue(item, reason);

    private TenantRealtimeUnavailableException Reject(OutboxItem item, string reason, Exception? failure, bool mayBeDelivered)
    {
        metrics.Rejected(reason);
        RedisLog.BroadcastRejectedInOutage(logger, item.Broadcast.EventName, reason);
        var message = mayBeDelivered
            ? $"Redis did not number the broadcast within {_timeout.TotalMilliseconds:0} ms (OutageMode is Reject); it may still be delivered."
            : $"Redis is unreachable ({reason}) and OutageMode is Reject: the broadcast was not sent.";
        return new TenantRealtimeUnavailableException(message, failure) { MayBeDelivered = mayBeDelivered };
    }

    private TenantEnvelope Queue(OutboxItem item, string reason) => Queued(item, reason, outbox.Enqueue(item));

    private TenantEnvelope Queued(OutboxItem item, string reason, OutboxItem? dropped)
    {
        metrics.Queued(reason);
        RedisLog.BroadcastQueued(logger, reason, outbox.Count);
        if (dropped is not null)
        {
            metrics.OutboxDropped();
            RedisLog.OutboxFull(logger, outbox.Capacity);
        }

        drainer.Wake();
        return item.Broadcast.ToEnvelope(item.Target.Room, seq: null, epoch: null);
    }

    /// <summary>A rejected broadcast that Redis numbers after all still reaches this server's connections.</summary>
    private async Task DeliverWhenPublishedAsync(OutboxItem item, Task<TenantEnvelope> publishing)
    {
        try
        {
            publisher.DeliverHere(item, await publishing.ConfigureAwait(false));
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            RedisLog.HistoryAppendFailed(logger, ex);
        }
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
