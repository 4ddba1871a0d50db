using Microsoft.Extensions.Logging;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Redis.State;

/// <summary>
/// Sweeps the rooms whose keys have a time-to-live: Redis decides when a key ends (<c>state_expire.lua</c>), and this
/// server asks it to remove the room's due keys once the first of them is due, plus <see cref="Margin"/>. Rooms are
/// scheduled by the server that set the key, and by every server that learns of it (the key's expiry message, or a read
/// that reports the room's next due key), so a key ends even when its writer is gone; sweeping is idempotent, so many
/// servers sweeping one room remove each key once. One timer for all rooms, as the rate bound's slots. While Redis does
/// not answer, the sweep is tried again every <see cref="RetryInterval"/>; a read expires due keys itself, too.
/// </summary>
internal sealed class RedisStateExpiry : IDisposable
{
    /// <summary>How long after a key is due its room is swept: Redis's answer comes after the local timer.</summary>
    internal static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(20);

    /// <summary>How often a sweep Redis did not answer is tried again.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly RedisStateStore _store;
    private readonly RedisCallPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisStateExpiry> _logger;
    private readonly StateSlots<string> _slots;
    private volatile bool _disposed;

    public RedisStateExpiry(RedisStateStore store, RedisCallPolicy policy, TimeProvider time, ILogger<RedisStateExpiry> logger)
    {
        (_store, _policy, _time, _logger) = (store, policy, time, logger);

        // Keyed by room alone: one wake-up per room, for its earliest due key.
        _slots = new StateSlots<string>(time, (room, key) => _ = SweepAsync(room));
    }

    /// <summary>Sweeps <paramref name="room"/> once <paramref name="delay"/> (and the margin) has passed; an earlier sweep already due covers it.</summary>
    public void ScheduleIn(string room, TimeSpan delay)
    {
        // A sweep that ends after the server stopped schedules nothing: the timer would outlive the server.
        if (!_disposed)
        {
            _slots.Schedule(room, string.Empty, _time.GetTimestamp() + (long)((delay + Margin).TotalSeconds * _time.TimestampFrequency));
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _slots.Dispose();
    }

    private async Task SweepAsync(string room)
    {
        // A timer callback has no caller: a failure is tried again, never thrown.
        try
        {
            var call = await _policy.RunAsync((store: _store, room), static s => s.store.ExpireAsync(s.room, CancellationToken.None)).ConfigureAwait(false);
            if (!call.Answered)
            {
                RedisLog.StateExpirySkipped(_logger, room, call.Reason);
                ScheduleIn(room, RetryInterval);
                return;
            }

            var next = call.Result<long>();
            if (next >= 0)
            {
                ScheduleIn(room, TimeSpan.FromMilliseconds(next));
            }
        }
        catch (Exception ex)
        {
            RedisLog.StateExpiryFailed(_logger, room, ex);
            ScheduleIn(room, RetryInterval);
        }
    }
}
