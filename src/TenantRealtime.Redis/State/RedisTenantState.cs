using System.Text;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;
using TenantRealtime.State.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.State;

/// <summary>
/// <see cref="ITenantState"/> across servers: a change is validated and serialized here, merged with the key's other
/// changes by this server's rate bound (<see cref="TenantRealtimeOptions.StateUpdatesPerSecondPerKey"/>, per server:
/// the latest value goes out at the key's next slot), and written to Redis, which versions and publishes it; every
/// server (this one too) hands it to its connections when it arrives on the organization's channel. While Redis is
/// unreachable a change waits in the <see cref="StateOutbox"/> (latest value per key) after at most
/// <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>, and the call completes. A time-to-live counts from the
/// app's call (a merged change is written with what is left of it); Redis decides when the key ends
/// (<see cref="RedisStateExpiry"/>).
/// </summary>
internal sealed class RedisTenantState(
    RedisStateWriter writer,
    StateOutbox outbox,
    RedisStateReads reads,
    StateValueSerializer serializer,
    StateRoomStore rooms,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time) : ITenantState, IDisposable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<(string Room, string Key), KeySlot> _slots = new();

    // The keys waiting for their slot, sent by one timer as in memory; made under _sync at the first merged change.
    private StateSlots<string>? _due;

    public Task SetAsync(StateRoom room, string key, object? data, CancellationToken cancellationToken = default) =>
        SetUntilAsync(room, key, data, expiresAt: 0, cancellationToken);

    public Task SetAsync(StateRoom room, string key, object? data, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        SetUntilAsync(room, key, data, StateTimeToLive.DueAt(time, timeToLive), cancellationToken);

    /// <summary>Sets a key that ends at <paramref name="expiresAt"/> (a timestamp; 0: never).</summary>
    private Task SetUntilAsync(StateRoom room, string key, object? data, long expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var roomKey = TenantState.RoomKeyOf(room, key, options.CurrentValue);
        cancellationToken.ThrowIfCancellationRequested();
        var json = Encoding.UTF8.GetString(serializer.SerializeJson(data, roomKey, key));
        return ChangeAsync(roomKey, key, json, expiresAt, cancellationToken);
    }

    public Task RemoveAsync(StateRoom room, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var roomKey = TenantState.RoomKeyOf(room, key, options.CurrentValue);
        cancellationToken.ThrowIfCancellationRequested();
        return ChangeAsync(roomKey, key, null, expiresAt: 0, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, object?>> GetAsync(StateRoom room, CancellationToken cancellationToken = default)
    {
        var roomKey = TenantState.RoomKeyOf(room, null, options.CurrentValue);
        cancellationToken.ThrowIfCancellationRequested();
        // A read like a connection's: a room Redis does not hold is filled by the app's loader first.
        var call = await reads.ReadAsync(roomKey, null, 0, cancellationToken).ConfigureAwait(false);
        var values = call.Answered
            ? call.Result<RedisStateRead>().Set.ToDictionary(p => p.Key, p => StateValueSerializer.FromJson(Encoding.UTF8.GetBytes(p.Value)).Plain, StringComparer.Ordinal)
            : rooms.Find(roomKey)?.Values() ?? new Dictionary<string, object?>(StringComparer.Ordinal); // Redis unreachable: this server's copy.

        // This server's changes waiting for their keys' next slot (or in the outbox) are what clients will hold.
        lock (_sync)
        {
            foreach (var ((slotRoom, key), slot) in _slots)
            {
                if (slot.HasPending && slotRoom == roomKey)
                {
                    Overlay(values, key, slot.Pending);
                }
            }
        }

        foreach (var (key, json) in outbox.Waiting(roomKey))
        {
            Overlay(values, key, json);
        }

        return values;
    }

    private static void Overlay(Dictionary<string, object?> values, string key, string? json)
    {
        if (json is null)
        {
            values.Remove(key);
        }
        else
        {
            values[key] = StateValueSerializer.FromJson(Encoding.UTF8.GetBytes(json)).Plain;
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _due?.Dispose();
            _slots.Clear();
        }
    }

    private Task ChangeAsync(string room, string key, string? json, long expiresAt, CancellationToken cancellationToken)
    {
        var change = MergeOrWriteAsync(room, key, json, expiresAt, cancellationToken);

        // Keys whose slot has come go out with this change rather than on a wake-up of the timer.
        _due?.SendDue();
        return change;
    }

    private Task MergeOrWriteAsync(string room, string key, string? json, long expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        lock (_sync)
        {
            if (!_slots.TryGetValue((room, key), out var slot))
            {
                PruneLocked(now);
                _slots[(room, key)] = slot = new KeySlot();
            }

            if (json is null)
            {
                // A removal goes out at once, replacing a set still waiting: it frees the key's place in the room for
                // this server's next SetAsync (the bound is checked in Redis), as a removal does in memory.
                slot.HasPending = false;
                slot.Pending = null;
                slot.PendingExpiresAt = 0;
            }
            else if (slot.HasPending || now < slot.NextSlot)
            {
                slot.Pending = json;
                slot.PendingExpiresAt = expiresAt;
                if (slot.HasPending)
                {
                    // Its slot is booked already: the flush writes the latest value.
                    metrics.StateMerged(StateRoomKeys.ScopeOf(room));
                    return Task.CompletedTask;
                }

                slot.HasPending = true;
                (_due ??= new StateSlots<string>(time, (dueRoom, dueKey) => _ = FlushAsync(dueRoom, dueKey))).Schedule(room, key, slot.NextSlot);
                return Task.CompletedTask;
            }

            slot.NextSlot = NextSlotOf(room, now);
        }

        return WriteAsync(room, key, json, expiresAt, cancellationToken);
    }

    /// <summary>
    /// Forgets the keys whose slot has passed with nothing waiting (they would go out at once anyway), once there are
    /// more than <see cref="PruneAbove"/>, so this server's memory follows the keys it changed recently, not ever.
    /// </summary>
    private void PruneLocked(long now)
    {
        if (_slots.Count < _pruneAt)
        {
            return;
        }

        foreach (var slotKey in _slots.Where(p => !p.Value.HasPending && p.Value.NextSlot <= now).Select(p => p.Key).ToList())
        {
            _slots.Remove(slotKey);
        }

        _pruneAt = Math.Max(PruneAbove, 2 * _slots.Count);
    }

    private const int PruneAbove = 4096;

    private int _pruneAt = PruneAbove;

    private long NextSlotOf(string room, long now) => StateSlots.NextSlot(now, RoomBounds.Of(options.CurrentValue, room).StateUpdatesPerSecondPerKey, time.TimestampFrequency);

    private async Task WriteAsync(string room, string key, string? json, long expiresAt, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(room, key, json, expiresAt, RoomBounds.Of(options.CurrentValue, room).MaxStateKeys, cancellationToken).ConfigureAwait(false);
        }
        catch (TenantRealtimeLimitExceededException)
        {
            // Refused: nothing went out, so the key's slot is free again.
            lock (_sync)
            {
                if (_slots.TryGetValue((room, key), out var slot) && !slot.HasPending)
                {
                    slot.NextSlot = 0;
                }
            }

            throw;
        }
    }

    private async Task FlushAsync(string room, string key)
    {
        string? json;
        long expiresAt;
        lock (_sync)
        {
            if (!_slots.TryGetValue((room, key), out var slot))
            {
                return;
            }

            if (!slot.HasPending)
            {
                return;
            }

            (json, expiresAt) = (slot.Pending, slot.PendingExpiresAt);
            slot.HasPending = false;
            slot.Pending = null;
            slot.PendingExpiresAt = 0;
            slot.NextSlot = NextSlotOf(room, time.GetTimestamp());
        }

        try
        {
            await WriteAsync(room, key, json, expiresAt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TenantRealtimeLimitExceededException)
        {
            // A merged change of a new key refused for the room's bound: its setter was answered when it was merged.
            metrics.StateMerged(StateRoomKeys.ScopeOf(room));
        }
    }

    private sealed class KeySlot
    {
        public long NextSlot { get; set; }

        public bool HasPending { get; set; }

        public string? Pending { get; set; }

        /// <summary>Gets or sets when the waiting set ends (a timestamp; 0: never).</summary>
        public long PendingExpiresAt { get; set; }
    }
}
