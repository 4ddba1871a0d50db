using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Numbers and publishes each broadcast in one Redis step (<see cref="BroadcastPublisher"/>) and delivers it to this
/// server's connections. When Redis is unreachable, or does not answer within
/// <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>, the broadcast goes to the bounded
/// <see cref="BroadcastOutbox"/> and the caller continues at once (its receipt has no seq), or, with
/// <see cref="RedisOutageMode.Reject"/>, the call throws <see cref="TenantRealtimeUnavailableException"/>.
/// </summary>
internal sealed class RedisBroadcastSender(
    BroadcastOutbox outbox,
    OutboxDrainer drainer,
    BroadcastPublisher publisher,
    RedisCallPolicy policy,
    IOptions<TenantRealtimeRedisOptions> options,
    RedisMetrics metrics,
    ILogger<RedisBroadcastSender> logger) : IBroadcastSender
{
    private readonly TimeSpan _timeout = policy.Timeout;
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

        return SendNowAsync(item);
    }

    private async ValueTask<TenantEnvelope> SendNowAsync(OutboxItem item)
    {
        // Not cancelled by the caller: once under way the script may run in Redis, and then it must be delivered here.
        var call = await policy.RunAsync((publisher, item), static s => s.publisher.PublishAsync(s.item)).ConfigureAwait(false);
        switch (call.Outcome)
        {
            case RedisCallOutcome.Answered:
                var envelope = call.Result<TenantEnvelope>();
                publisher.DeliverHere(item, envelope);
                return envelope;
            case RedisCallOutcome.TimedOut:
                // Already queued in Redis: the drainer awaits it rather than numbering it twice.
                var publishing = (Task<TenantEnvelope>)call.Task!;
                item.Pending = publishing;
                if (_reject)
                {
                    _ = DeliverWhenPublishedAsync(item, publishing);
                    throw Reject(item, call.Reason, null, mayBeDelivered: true);
                }

                return Queue(item, call.Reason);
            case RedisCallOutcome.Failed:
                RedisLog.HistoryAppendFailed(logger, call.Failure!);
                return Unavailable(item, call.Reason, call.Failure);
            default:
                // Redis is known to be down: the policy did not wait for the client library to give up (seconds).
                return Unavailable(item, call.Reason, null);
        }
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
}
