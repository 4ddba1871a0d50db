using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// One channel subscription of the package: subscribed in the background, retried every second while Redis is
/// unreachable (StackExchange.Redis re-subscribes by itself after a reconnect), its messages handled one at a time in
/// publish order (a <see cref="ChannelMessageQueue"/>; handler subscriptions are unordered). A channel whose kind
/// depends on Redis (sharded on a cluster) is resolved at each attempt.
/// </summary>
internal sealed class ChannelSubscription(
    SharedRedisConnection connection,
    Func<ValueTask<RedisChannel>> channel,
    Func<ChannelMessage, Task> handler,
    Action<Exception> subscribeFailed,
    TimeProvider time) : IDisposable
{
    /// <summary>A subscription to a channel known up front.</summary>
    public ChannelSubscription(SharedRedisConnection connection, RedisChannel channel, Func<ChannelMessage, Task> handler, Action<Exception> subscribeFailed, TimeProvider time)
        : this(connection, () => ValueTask.FromResult(channel), handler, subscribeFailed, time)
    {
    }

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChannelMessageQueue? _queue;
    private Task _subscribing = Task.CompletedTask;

    /// <summary>Gets a task that completes once Redis confirmed the subscription (or it was stopped first).</summary>
    public Task Subscribed => _subscribed.Task;

    public void Start() => _subscribing = Task.Run(() => SubscribeAsync(_stopping.Token));

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _subscribed.TrySetResult();
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
                var queue = await subscriber.SubscribeAsync(await channel().ConfigureAwait(false)).ConfigureAwait(false);
                queue.OnMessage(handler);
                _queue = queue;
                _subscribed.TrySetResult();
                return;
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                subscribeFailed(ex);
                try
                {
                    await Task.Delay(RetryInterval, time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
