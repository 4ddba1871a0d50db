using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// One background loop writing a server's share to Redis (the registry's counts, presence): it writes what changed as
/// soon as it is told (<see cref="Changed"/>), and everything every heartbeat, which also heals a Redis that lost its
/// data. It never waits on an outage: while Redis is known down it does not even try, logs once, and retries at the next
/// heartbeat rather than hammering a Redis that is down. Callers never wait for it.
/// </summary>
internal sealed class WriteLoop(SharedRedisConnection connection, TimeSpan heartbeatInterval, TimeProvider time) : IAsyncDisposable
{
    /// <summary>What a write while Redis is known to be down would end in, had it waited for the client library's timeout.</summary>
    public static readonly RedisConnectionException NotConnected =
        new(ConnectionFailureType.UnableToConnect, "Redis is not connected; this server's share is written when it returns.");

    private readonly ChangeSignal _changed = new(time);
    private CancellationTokenSource? _stopping;
    private ILoopWriter? _writer;
    private Task _loop = Task.CompletedTask;
    private volatile bool _running;

    /// <summary>Something changed: the loop writes it at its next pass (at once, unless Redis is failing).</summary>
    public void Changed() => _changed.Set();

    public void Start(ILoopWriter writer)
    {
        _writer = writer;
        _stopping = new CancellationTokenSource();
        _running = true;
        _loop = Task.Run(() => RunAsync(writer, _stopping.Token));
    }

    /// <summary>Ends the loop, then makes the writer's last write of a graceful stop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_running || _writer is not { } writer)
        {
            return;
        }

        _running = false;
        await (_stopping?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
        try
        {
            // Both bounded by the host's shutdown token: a write in flight to a Redis that hangs would otherwise hold
            // the stop until the client library's timeout.
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            await writer.StopWriteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is OperationCanceledException)
        {
            writer.StopWriteFailed(ex);
        }
    }

    private async Task RunAsync(ILoopWriter writer, CancellationToken stopping)
    {
        var nextHeartbeat = time.GetUtcNow();
        var failing = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (connection.IsKnownDown)
                {
                    throw NotConnected;
                }

                var heartbeat = time.GetUtcNow() >= nextHeartbeat;
                if (heartbeat)
                {
                    nextHeartbeat = time.GetUtcNow() + heartbeatInterval;
                }

                await writer.WriteAsync(heartbeat, afterFailure: failing).ConfigureAwait(false);
                if (failing)
                {
                    failing = false;
                    writer.Restored();
                }
            }
            catch (Exception ex) when (RedisFailure.Is(ex))
            {
                if (!failing)
                {
                    failing = true;
                    writer.Failing(ex);
                }

                nextHeartbeat = time.GetUtcNow() + heartbeatInterval;
            }

            // While failing, changes and the writer's own due times wait for the heartbeat, which writes everything.
            var due = failing ? nextHeartbeat : writer.NextDue(nextHeartbeat);
            await _changed.WaitAsync(due - time.GetUtcNow(), failing, stopping).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stopping?.Cancel();
        _stopping?.Dispose();
        _stopping = null;
        return ValueTask.CompletedTask;
    }
}
