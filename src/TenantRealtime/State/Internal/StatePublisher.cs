using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// What a room's state needs from outside while it holds its lock: the clock and the rate bound, and the fan-out of one
/// change to this server's connections whose gate for the room is open, serialized once per protocol for all of them.
/// </summary>
internal sealed class StatePublisher : IDisposable
{
    private readonly ILocalDelivery _delivery;
    private readonly StateGates _gates;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<TenantRealtimeOptions> _options;
    private readonly TenantRealtimeMetrics _metrics;
    private readonly ILogger<StatePublisher> _logger;
    private readonly StateSlots<KeyedState> _slots;
    private readonly StateSlots<KeyedState> _expiries;

    public StatePublisher(
        ILocalDelivery delivery,
        StateGates gates,
        TimeProvider time,
        IOptionsMonitor<TenantRealtimeOptions> options,
        TenantRealtimeMetrics metrics,
        ILogger<StatePublisher> logger)
    {
        (_delivery, _gates, _time, _options, _metrics, _logger) = (delivery, gates, time, options, metrics, logger);
        _slots = new StateSlots<KeyedState>(time, Flush);

        // Keys with a time-to-live, on one timer for all of them as the rate bound's slots are.
        _expiries = new StateSlots<KeyedState>(time, Expire);
    }

    public TimeProvider Time => _time;

    /// <summary>How many keys <paramref name="room"/>'s state may hold.</summary>
    public int MaxKeysOf(string room) => RoomBounds.Of(_options.CurrentValue, room).MaxStateKeys;

    /// <summary>When a key of <paramref name="room"/> whose change went out at <paramref name="now"/> may go out next (<see cref="StateSlots.NextSlot"/>).</summary>
    public long NextSlotOf(string room, long now) => StateSlots.NextSlot(now, RoomBounds.Of(_options.CurrentValue, room).StateUpdatesPerSecondPerKey, _time.TimestampFrequency);

    /// <summary>Sends one change (a value, or a removal when <paramref name="value"/> is null); returns at once.</summary>
    public void Publish(KeyedState room, string key, StateValue? value, long version, int roomKeys)
    {
        IReadOnlyDictionary<string, object?> set = value is null ? EmptySet : new Dictionary<string, object?>(1, StringComparer.Ordinal) { [key] = value.Plain };
        IReadOnlyList<string> removed = value is null ? [key] : [];
        var message = Message(new TenantStateMessage(room.Key, room.Epoch, version, full: false, set, removed));
        _delivery.DeliverState(room.Groups, message, room.Key, key, connection => For(connection, room, message, version - 1, version));
        _metrics.StateChanged(StateRoomKeys.ScopeOf(room.Key), roomKeys);
    }

    /// <summary>
    /// Sends a room's read of its store (whole, or the keys changed since <paramref name="fromVersion"/>) to the
    /// connections whose gate is open; returns at once.
    /// </summary>
    public void Deliver(KeyedState room, TenantStateMessage state, long fromVersion, int roomKeys)
    {
        var message = Message(state);
        var from = state.Full ? -1 : fromVersion;
        _delivery.DeliverState(room.Groups, message, room.Key, key: null, connection => For(connection, room, message, from, state.Version));
        _metrics.StateChanged(StateRoomKeys.ScopeOf(room.Key), roomKeys);
    }

    /// <summary>Counts a change merged into a later one by the rate bound.</summary>
    public void Merged(KeyedState room) => _metrics.StateMerged(StateRoomKeys.ScopeOf(room.Key));

    /// <summary>Sends the key's waiting change once <paramref name="due"/> (a timestamp) has passed, on the shared slot timer.</summary>
    public void Schedule(KeyedState room, string key, long due) => _slots.Schedule(room, key, due);

    /// <summary>Sends the keys whose slot has come on the caller's thread (after an app's change), so the timer need not wake for them.</summary>
    public void SendDue() => _slots.SendDue();

    /// <summary>Removes the key once <paramref name="due"/> (a timestamp) has passed, if its expiry is still due then (<see cref="KeyedState.Expire"/>).</summary>
    public void ScheduleExpiry(KeyedState room, string key, long due) => _expiries.Schedule(room, key, due);

    /// <summary>
    /// What one connection gets of a message that brings <paramref name="room"/> from <paramref name="fromVersion"/> to
    /// <paramref name="version"/>: the message, nothing (gate closed, or already handed over), or, when the connection
    /// is behind (it was out of the room's groups), the changes since what it holds. Under the room's lock.
    /// </summary>
    private SerializedHubMessage? For(ConnectionSender connection, KeyedState room, SerializedHubMessage message, long fromVersion, long version)
    {
        switch (_gates.Admit(connection, room.Key, room.Epoch, fromVersion, version, out var heldEpoch, out var heldVersion))
        {
            case StateGates.Admission.Next:
                return message;
            case StateGates.Admission.Gap:
                var read = room.SinceLocked(heldEpoch, heldVersion);
                _metrics.StateSent(StateRoomKeys.ScopeOf(room.Key), read.Full, read.Bytes);
                TenantRealtimeLog.StateSent(_logger, connection.ConnectionId, room.Key, read.Full, read.Keys);
                return read.Message;
            default:
                return null;
        }
    }

    public static SerializedHubMessage Message(TenantStateMessage state) =>
        new(new InvocationMessage(TenantRealtimeWire.Events.State, [state]));

    private static readonly IReadOnlyDictionary<string, object?> EmptySet = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Stops the slot and expiry timers: changes still waiting for their slot when the server stops are not sent.</summary>
    public void Dispose()
    {
        _slots.Dispose();
        _expiries.Dispose();
    }

    private void Flush(KeyedState room, string key)
    {
        // The slot timer has no caller to throw to: an exception here would end the process.
        try
        {
            room.Flush(key, this);
        }
        catch (Exception ex)
        {
            TenantRealtimeLog.StateFlushFailed(_logger, room.Key, key, ex);
        }
    }

    private void Expire(KeyedState room, string key)
    {
        // As Flush: the timer has no caller to throw to.
        try
        {
            room.Expire(key, this);
        }
        catch (Exception ex)
        {
            TenantRealtimeLog.StateExpiryFailed(_logger, room.Key, key, ex);
        }
    }
}
