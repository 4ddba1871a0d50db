using Microsoft.Extensions.Logging;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.State;

/// <summary>
/// Writes this server's state changes to Redis on the caller's path, bounded as broadcasts are
/// (<see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>): a change Redis did not take in time (down, timed out,
/// failed) waits in the <see cref="StateOutbox"/>, which keeps only the latest value per (room, key), and is written
/// by <see cref="DrainAsync"/> once Redis answers again. A key refused for the room's key bound throws. A set with a
/// time-to-live is written with what is left of it (it counts from the app's call), or as a removal when an outage
/// outlasted it, and its room is swept once it is due (<see cref="RedisStateExpiry"/>).
/// </summary>
internal sealed class RedisStateWriter(RedisStateStore store, StateOutbox outbox, RedisCallPolicy policy, RedisStateExpiry expiry, TimeProvider time, ILogger<RedisStateWriter> logger) : IDisposable
{
    /// <summary>How often the outbox tries Redis again while changes wait.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _sync = new();
    private ITimer? _retry;
    private int _maxKeys;

    // One drain at a time, so a waiting change is written once and keys go out in the order they were first changed.
    private int _draining;

    /// <summary>
    /// Writes a change (<paramref name="valueJson"/> null: a removal; a set ends at <paramref name="expiresAt"/>, a
    /// timestamp, 0: never). Returns its version, or null when it waits in the outbox. A change of a key already
    /// waiting joins it there, so the latest value goes out after the older one.
    /// </summary>
    public async Task<long?> WriteAsync(string room, string key, string? valueJson, long expiresAt, int maxKeys, CancellationToken cancellationToken)
    {
        if (outbox.Count > 0)
        {
            // Keep one order per key: a newer change never overtakes a waiting older one of the same key.
            outbox.Put(room, key, valueJson, expiresAt);
            StartRetrying(maxKeys);
            return null;
        }

        var (json, ttl) = Remaining(valueJson, expiresAt);
        var call = await policy.RunAsync((store, room, key, json, ttl, maxKeys, cancellationToken),
            static s => s.store.ChangeAsync(s.room, s.key, s.json, s.maxKeys, s.ttl, s.cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!call.Answered)
        {
            RedisLog.StateChangeWaiting(logger, room, call.Reason);
            outbox.Put(room, key, valueJson, expiresAt);
            StartRetrying(maxKeys);
            return null;
        }

        var (_, version) = call.Result<(string Epoch, long Version)>();
        SweepWhenDue(room, json, ttl, version);
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
            var (json, ttl) = Remaining(change.ValueJson, change.ExpiresAt);
            var call = await policy.RunAsync((store, change.Room, change.Key, json, ttl, maxKeys, cancellationToken),
                static s => s.store.ChangeAsync(s.Room, s.Key, s.json, s.maxKeys, s.ttl, s.cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!call.Answered)
            {
                return;
            }

            // A key refused for the bound when it is finally written is dropped: its setter was answered long ago.
            SweepWhenDue(change.Room, json, ttl, call.Result<(string Epoch, long Version)>().Version);
            outbox.Written(change.Room, change.Key, change.ValueJson, change.ExpiresAt);
        }
    }

    /// <summary>
    /// What to write for a change: the value and the milliseconds left of its time-to-live (0: none; at least 1), or a
    /// removal when it has ended already (an outage, or a merged change, outlasted it).
    /// </summary>
    private (string? Json, long TimeToLiveMilliseconds) Remaining(string? valueJson, long expiresAt)
    {
        if (valueJson is null || expiresAt == 0)
        {
            return (valueJson, 0);
        }

        var left = time.GetElapsedTime(time.GetTimestamp(), expiresAt);
        return left <= TimeSpan.Zero ? (null, 0) : (valueJson, Math.Max(1, (long)Math.Ceiling(left.TotalMilliseconds)));
    }

    /// <summary>A set with a time-to-live that Redis took: this server sweeps its room when it is due, whoever else does.</summary>
    private void SweepWhenDue(string room, string? json, long timeToLiveMilliseconds, long version)
    {
        if (json is not null && timeToLiveMilliseconds > 0 && version > 0)
        {
            expiry.ScheduleIn(room, TimeSpan.FromMilliseconds(timeToLiveMilliseconds));
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
