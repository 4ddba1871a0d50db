using Microsoft.Extensions.Logging;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.State;

/// <summary>
/// Writes this server's state changes to Redis on the caller's path, bounded as broadcasts are
/// (<see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>): a change Redis did not take in time (down, timed out,
/// failed) waits in the <see cref="StateOutbox"/>, which keeps only the latest value per (room, key), and is written
/// by <see cref="DrainAsync"/> once Redis answers again. A key refused for the room's key bound throws.
/// </summary>
internal sealed class RedisStateWriter(RedisStateStore store, StateOutbox outbox, RedisCallPolicy policy, TimeProvider time, ILogger<RedisStateWriter> logger) : IDisposable
{
    /// <summary>How often the outbox tries Redis again while changes wait.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _sync = new();
    private ITimer? _retry;
    private int _maxKeys;

    // One drain at a time, so a waiting change is written once and keys go out in the order they were first changed.
    private int _draining;

    /// <summary>
    /// Writes a change (<paramref name="valueJson"/> null: a removal). Returns its version, or null when it waits in
    /// the outbox. A change of a key already waiting joins it there, so the latest value goes out after the older one.
    /// </summary>
    public async Task<long?> WriteAsync(string room, string key, string? valueJson, int maxKeys, CancellationToken cancellationToken)
    {
        if (outbox.Count > 0)
        {
            // Keep one order per key: a newer change never overtakes a waiting older one of the same key.
            outbox.Put(room, key, valueJson);
            StartRetrying(maxKeys);
            return null;
        }

        var call = await policy.RunAsync((store, room, key, valueJson, maxKeys, cancellationToken),
            static s => s.store.ChangeAsync(s.room, s.key, s.valueJson, s.maxKeys, s.cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!call.Answered)
        {
            RedisLog.StateChangeWaiting(logger, room, call.Reason);
            outbox.Put(room, key, valueJson);
            StartRetrying(maxKeys);
            return null;
        }

        var (_, version) = call.Result<(string Epoch, long Version)>();
        return version < 0
            ? throw new TenantRealtimeLimitExceededException($"{room} already holds its MaxStateKeysPerRoom ({maxKeys}) state keys, so '{key}' was not added.")
            : version;
    }

    /// <summary>Writes the waiting changes, oldest key first, until the outbox is empty or Redis fails again.</summary>
    public async Task DrainAsync(int maxKeys, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }

        try
        {
            await DrainLockedAsync(maxKeys, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    private async Task DrainLockedAsync(int maxKeys, CancellationToken cancellationToken)
    {
        while (outbox.TryPeek(out var change))
        {
            var call = await policy.RunAsync((store, change, maxKeys, cancellationToken),
                static s => s.store.ChangeAsync(s.change.Room, s.change.Key, s.change.ValueJson, s.maxKeys, s.cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!call.Answered)
            {
                return;
            }

            // A key refused for the bound when it is finally written is dropped: its setter was answered long ago.
            outbox.Written(change.Room, change.Key, change.ValueJson);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _retry?.Dispose();
            _retry = null;
        }
    }

    private void StartRetrying(int maxKeys)
    {
        lock (_sync)
        {
            _maxKeys = maxKeys;
            _retry ??= time.CreateTimer(static state => ((RedisStateWriter)state!).Retry(), this, TimeSpan.Zero, RetryInterval);
        }
    }

    private async void Retry()
    {
        // A timer callback has no caller: a failure is retried at the next tick, never thrown.
        try
        {
            await DrainAsync(Volatile.Read(ref _maxKeys), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is TenantRealtimeLimitExceededException)
        {
            return;
        }

        lock (_sync)
        {
            if (outbox.Count == 0)
            {
                _retry?.Dispose();
                _retry = null;
            }
        }
    }
}
