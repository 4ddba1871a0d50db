using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Broadcasting.Internal;
using TenantRealtime.Hosting.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.Recovery;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Broadcasting;

/// <summary>
/// Numbers each broadcast in the Redis history, then sends it through SignalR's Redis backplane. When Redis is
/// unreachable, or does not number it within <see cref="TenantRealtimeRedisOptions.BroadcastTimeout"/>, the
/// broadcast goes to the bounded <see cref="BroadcastOutbox"/> and the caller continues at once (its receipt has no
/// seq); the drainer numbers and sends the outbox in order when Redis answers again.
/// </summary>
internal sealed class RedisBroadcastSender(
    BroadcastOutbox outbox,
    OutboxDrainer drainer,
    SharedRedisConnection connection,
    RedisRoomHistory history,
    IHubContext<TenantRealtimeHub> hub,
    IOptionsMonitor<TenantRealtimeOptions> realtime,
    IOptions<TenantRealtimeRedisOptions> options,
    RedisMetrics metrics,
    TimeProvider time,
    ILogger<RedisBroadcastSender> logger) : IBroadcastSender
{
    private readonly TimeSpan _timeout = options.Value.BroadcastTimeout;

    public ValueTask<TenantEnvelope> SendAsync(BroadcastTarget target, OutgoingBroadcast broadcast, CancellationToken cancellationToken)
    {
        var item = new OutboxItem(target, broadcast);

        // Older broadcasts are waiting: this one goes behind them, so a room's broadcasts keep their order.
        if (outbox.EnqueueIfBacklogged(item, out var dropped))
        {
            return ValueTask.FromResult(Queued(item, "backlog", dropped));
        }

        // Redis is known to be down: do not wait for the client library to give up (seconds).
        if (connection.IsStarted && !connection.IsConnected)
        {
            return ValueTask.FromResult(Queue(item, "disconnected"));
        }

        return SendNowAsync(item, cancellationToken);
    }

    private async ValueTask<TenantEnvelope> SendNowAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var (target, broadcast) = (item.Target, item.Broadcast);
        TenantEnvelope envelope;
        if (realtime.CurrentValue.EnableRecovery)
        {
            // Not cancelled by the caller: once under way the append may complete in Redis, and then it must be sent.
            var numbering = history.AppendAsync(target.Room, broadcast, CancellationToken.None);
            try
            {
                envelope = await numbering.WaitAsync(_timeout, time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!numbering.IsCompleted)
            {
                item.Pending = numbering;
                Observe(numbering);
                return Queue(item, "timeout");
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                RedisLog.HistoryAppendFailed(logger, ex);
                return Queue(item, "failed");
            }
        }
        else
        {
            envelope = broadcast.ToEnvelope(target.Room, seq: null, epoch: null);
        }

        // The backplane decorator bounds this wait and never throws a Redis failure: once numbered, a broadcast
        // whose publish is lost is still in the history, and clients get it with Resume.
        await target.In(hub.Clients).SendAsync(broadcast.EventName, envelope, cancellationToken).ConfigureAwait(false);
        return envelope;
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

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

}
