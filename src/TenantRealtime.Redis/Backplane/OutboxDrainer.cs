using Microsoft.Extensions.Logging;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// One loop that numbers and sends the <see cref="BroadcastOutbox"/>'s broadcasts, oldest first, while Redis answers;
/// woken by <see cref="Wake"/> and idle otherwise. Rooms whose broadcasts were given up start a new epoch before
/// anything else is numbered. At a graceful stop it tries for a short, bounded time to send what is left.
/// </summary>
internal sealed class OutboxDrainer(
    BroadcastOutbox outbox,
    SharedRedisConnection connection,
    BroadcastPublisher publisher,
    RedisMetrics metrics,
    TimeProvider time,
    ILogger<OutboxDrainer> logger) : IAsyncDisposable
{

    /// <summary>How often a waiting drainer checks whether Redis is back.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a graceful stop keeps trying to empty the outbox.</summary>
    internal static readonly TimeSpan ShutdownDrainTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Stops the loop, then tries for a short bounded time to send what is left, and logs what still is.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (outbox.Count == 0 && !outbox.HasGivenUpRooms)
        {
            return;
        }

        using var bounded = new CancellationTokenSource(ShutdownDrainTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(bounded.Token, cancellationToken);
        try
        {
            await DrainAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (outbox.Count > 0)
        {
            RedisLog.OutboxLeftAtShutdown(logger, outbox.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    /// <summary>Asks the loop to drain; called whenever a broadcast enters the outbox.</summary>
    public void Wake()
    {
        // One pending wake-up is enough: the drainer empties the whole outbox each time.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stopping).ConfigureAwait(false);
                await DrainAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Resets given-up rooms, then sends the outbox in order; waits (and retries) while Redis is unreachable.</summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        while (true)
        {
            if ((outbox.HasGivenUpRooms || outbox.Count > 0) && !connection.IsConnected)
            {
                await Task.Delay(RetryInterval, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (outbox.HasGivenUpRooms && !await TryResetGivenUpRoomsAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(RetryInterval, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The oldest ones at once: each joins the group commit (or awaits its own call already under way), so a long
            // backlog drains in batches, not one round trip per broadcast. They are handed over in order.
            var items = outbox.PeekOldest(GroupCommit.MaxBatchCount);
            if (items.Count == 0)
            {
                break;
            }

            var attempts = new Task<TenantEnvelope>[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                // A publish that timed out in the sender is already queued in Redis: await it rather than number twice.
                attempts[i] = items[i].Pending ?? publisher.PublishAsync(items[i]);
            }

            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var earlier = item.Pending;
                TenantEnvelope envelope;
                try
                {
                    envelope = await attempts[i].WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (RedisFailure.Is(ex))
                {
                    // Not known to be numbered: it and those behind it keep their places and are appended again (an id
                    // finds a broadcast Redis ran). An earlier attempt failing says nothing about Redis now, so that
                    // retry goes at once; a retry of our own that failed waits a pause.
                    for (var j = i; j < items.Count; j++)
                    {
                        items[j].Pending = null;

                        // Their attempts are retried, not awaited: a later failure of one must not go unobserved.
                        _ = attempts[j].ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }

                    RedisLog.OutboxDrainFailed(logger, ex);
                    if (earlier is null)
                    {
                        await Task.Delay(RetryInterval, time, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Not Redis's fault (say, data that cannot be serialized): retrying cannot help, and it must not
                    // hold back everything behind it. Its room starts over, so no client resumes across it.
                    outbox.GiveUp(item);
                    metrics.OutboxDropped();
                    RedisLog.OutboxItemFailed(logger, ex);
                    continue;
                }

                publisher.DeliverHere(item, envelope);
                outbox.Complete(item);
                metrics.Drained();
                sent++;
            }
        }

        if (sent > 0)
        {
            RedisLog.OutboxDrained(logger, sent);
        }
    }

    private async Task<bool> TryResetGivenUpRoomsAsync(CancellationToken cancellationToken)
    {
        foreach (var room in outbox.GivenUpRooms())
        {
            try
            {
                await publisher.ResetAsync(room, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                RedisLog.OutboxDrainFailed(logger, ex);
                return false;
            }

            outbox.Reset(room);
            RedisLog.RoomEpochReset(logger, room);
        }

        return true;
    }
}
