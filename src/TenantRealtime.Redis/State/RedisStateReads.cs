using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.State.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.State;

/// <summary>
/// Reads a room's state from Redis, bounded by the <see cref="RedisCallPolicy"/>, and fills it first when the app has a
/// <see cref="IStateLoader"/> and this read began the room's epoch (Redis never held the room, or lost it): the read
/// script tells exactly one caller of all servers to fill, and that caller asks the loader and writes its values
/// before answering. A reader that finds another filling reads again every <see cref="WaitInterval"/>, for at most
/// <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>, then takes the room as it is (it gets the fill's changes live).
/// </summary>
internal sealed class RedisStateReads(
    RedisStateStore store,
    RedisCallPolicy policy,
    StateLoading loading,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time,
    ILogger<RedisStateReads> logger)
{
    /// <summary>How often a reader waiting for another server's fill reads again.</summary>
    internal static readonly TimeSpan WaitInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The read (whole, or the changes since <paramref name="version"/> of <paramref name="epoch"/>); a call Redis did not answer otherwise.</summary>
    public async Task<RedisCall> ReadAsync(string room, string? epoch, long version, CancellationToken cancellationToken)
    {
        // The room stays marked as filling for the load's bound plus the fill's write, then readers give up on it.
        var fillMilliseconds = loading.Enabled ? (long)(loading.Timeout + (2 * policy.Timeout)).TotalMilliseconds : 0;
        var call = await ReadOnceAsync(room, epoch, version, fillMilliseconds, cancellationToken).ConfigureAwait(false);
        if (!call.Answered)
        {
            return call;
        }

        switch (call.Result<RedisStateRead>().Fill)
        {
            case RedisStateFill.Mine:
                // Not tied to this reader: when it leaves, the fill still completes for the others.
                await FillAsync(room, call.Result<RedisStateRead>().Epoch).WaitAsync(cancellationToken).ConfigureAwait(false);
                return await ReadOnceAsync(room, epoch, version, 0, cancellationToken).ConfigureAwait(false);
            case RedisStateFill.Other:
                var started = time.GetTimestamp();
                while (call.Answered && call.Result<RedisStateRead>().Fill == RedisStateFill.Other && time.GetElapsedTime(started) < policy.Timeout)
                {
                    await Task.Delay(WaitInterval, time, cancellationToken).ConfigureAwait(false);
                    call = await ReadOnceAsync(room, epoch, version, 0, cancellationToken).ConfigureAwait(false);
                }

                return call;
            default:
                return call;
        }
    }

    private ValueTask<RedisCall> ReadOnceAsync(string room, string? epoch, long version, long fillMilliseconds, CancellationToken cancellationToken) =>
        policy.RunAsync((store, room, epoch, version, fillMilliseconds, cancellationToken),
            static s => s.store.ReadAsync(s.room, s.epoch, s.version, s.fillMilliseconds, s.cancellationToken), cancellationToken);

    private async Task FillAsync(string room, string epoch)
    {
        var loaded = await loading.LoadAsync(room).ConfigureAwait(false);
        var maxKeys = RoomBounds.Of(options.CurrentValue, room).MaxStateKeys;
        var call = await policy.RunAsync((store, room, epoch, loaded, maxKeys),
            static s => s.store.FillAsync(s.room, s.epoch, s.loaded, s.maxKeys, CancellationToken.None)).ConfigureAwait(false);
        if (!call.Answered)
        {
            RedisLog.StateFillSkipped(logger, room, call.Reason);
        }
    }
}
