using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The one way the package calls Redis where a caller must not wait on an outage: not tried while Redis is known to be
/// down (answering at once beats waiting seconds for the client library to give up), waited for no longer than a bound,
/// and only <see cref="RedisFailure"/>s (and the bound) turned into an outcome; anything else is a bug and is thrown.
/// Each caller turns the <see cref="RedisCall"/> into what it documents: a broadcast waits in the outbox, a position is
/// left out, caps fail open, presence answers unavailable, revocation throws.
/// </summary>
internal sealed class RedisCallPolicy(SharedRedisConnection connection, IOptions<TenantRealtimeRedisOptions> options, TimeProvider time)
{
    /// <summary>Gets the bound of the calls on a caller's path (<see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>).</summary>
    public TimeSpan Timeout { get; } = options.Value.RedisWaitTimeout;

    /// <summary>
    /// Gets whether Redis is known to be unreachable now: connected once and lost. Before the first connection attempt
    /// has finished nothing is known, and calls are tried (still bounded).
    /// </summary>
    public bool IsKnownDown => connection.IsKnownDown;

    /// <summary>Runs <paramref name="call"/> under the policy with <see cref="Timeout"/> as its bound.</summary>
    public ValueTask<RedisCall> RunAsync<TState>(TState state, Func<TState, Task> call, CancellationToken cancellationToken = default) =>
        RunAsync(state, call, Timeout, cancellationToken: cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> unless Redis is known to be down (or <paramref name="evenWhenDown"/>: a call that
    /// may not need Redis at all), and waits for it up to <paramref name="timeout"/>. A call still running then goes on;
    /// it is observed, so a later failure never surfaces as an unobserved exception. Cancellation is thrown.
    /// </summary>
    /// <remarks>Pooled, so a call on the broadcast path allocates no more than the wait itself.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RedisCall> RunAsync<TState>(TState state, Func<TState, Task> call, TimeSpan timeout, bool evenWhenDown = false, CancellationToken cancellationToken = default)
    {
        if (!evenWhenDown && connection.IsKnownDown)
        {
            return RedisCall.Down;
        }

        Task task;
        try
        {
            task = call(state);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            return new RedisCall(RedisCallOutcome.Failed, null, ex);
        }

        try
        {
            if (!task.IsCompletedSuccessfully)
            {
                await task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            }

            return new RedisCall(RedisCallOutcome.Answered, task, null);
        }
        // The bound ran out (the client library's own RedisTimeoutException is a failure of the call itself).
        catch (TimeoutException ex) when (ex is not RedisTimeoutException)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return new RedisCall(RedisCallOutcome.TimedOut, task, ex);
        }
        catch (Exception ex) when (RedisFailure.Is(ex))
        {
            return new RedisCall(RedisCallOutcome.Failed, task, ex);
        }
    }
}
