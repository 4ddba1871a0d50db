using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.State.Internal;

/// <summary>
/// What a room's state needs from outside while it holds its lock: the clock and the rate bound, and the fan-out of one
/// change to this server's connections whose gate for the room is open, serialized once per protocol for all of them.
/// </summary>
internal sealed class StatePublisher(
    ILocalDelivery delivery,
    StateGates gates,
    TimeProvider time,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TenantRealtimeMetrics metrics,
    ILogger<StatePublisher> logger)
{
    public TimeProvider Time => time;

    private ILogger Logger => logger;

    public int MaxKeys => options.CurrentValue.MaxStateKeysPerRoom;

    /// <summary>Gets the timestamp ticks between two changes of one key going out.</summary>
    public long SlotTicks => Math.Max(1, time.TimestampFrequency / options.CurrentValue.StateUpdatesPerSecondPerKey);

    /// <summary>Sends one change (a value, or a removal when <paramref name="value"/> is null); returns at once.</summary>
    public void Publish(KeyedState room, string key, StateValue? value, long version, int roomKeys)
    {
        IReadOnlyDictionary<string, object?> set = value is null ? EmptySet : new Dictionary<string, object?>(1, StringComparer.Ordinal) { [key] = value.Plain };
        IReadOnlyList<string> removed = value is null ? [key] : [];
        var message = Message(new TenantStateMessage(room.Key, room.Epoch, version, full: false, set, removed));
        delivery.DeliverState(room.Groups, message, room.Key, key, connection => For(connection, room, message, version - 1, version));
        metrics.StateChanged(StateRoomKeys.ScopeOf(room.Key), roomKeys);
    }

    /// <summary>
    /// Sends a room's read of its store (whole, or the keys changed since <paramref name="fromVersion"/>) to the
    /// connections whose gate is open; returns at once.
    /// </summary>
    public void Deliver(KeyedState room, TenantStateMessage state, long fromVersion, int roomKeys)
    {
        var message = Message(state);
        var from = state.Full ? -1 : fromVersion;
        delivery.DeliverState(room.Groups, message, room.Key, key: null, connection => For(connection, room, message, from, state.Version));
        metrics.StateChanged(StateRoomKeys.ScopeOf(room.Key), roomKeys);
    }

    /// <summary>Counts a change merged into a later one by the rate bound.</summary>
    public void Merged(KeyedState room) => metrics.StateMerged(StateRoomKeys.ScopeOf(room.Key));

    /// <summary>Sends the key's waiting change once <paramref name="due"/> has passed.</summary>
    public ITimer Schedule(KeyedState room, string key, TimeSpan due) =>
        time.CreateTimer(static state => ((SlotTimer)state!).Run(), new SlotTimer(room, key, this), due, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// What one connection gets of a message that brings <paramref name="room"/> from <paramref name="fromVersion"/> to
    /// <paramref name="version"/>: the message, nothing (gate closed, or already handed over), or, when the connection
    /// is behind (it was out of the room's groups), the changes since what it holds. Under the room's lock.
    /// </summary>
    private SerializedHubMessage? For(ConnectionSender connection, KeyedState room, SerializedHubMessage message, long fromVersion, long version)
    {
        switch (gates.Admit(connection, room.Key, room.Epoch, fromVersion, version, out var heldEpoch, out var heldVersion))
        {
            case StateGates.Admission.Next:
                return message;
            case StateGates.Admission.Gap:
                var read = room.SinceLocked(heldEpoch, heldVersion);
                metrics.StateSent(StateRoomKeys.ScopeOf(room.Key), read.Full, read.Bytes);
                TenantRealtimeLog.StateSent(logger, connection.ConnectionId, room.Key, read.Full, read.Keys);
                return read.Message;
            default:
                return null;
        }
    }

    public static SerializedHubMessage Message(TenantStateMessage state) =>
        new(new InvocationMessage(TenantRealtimeWire.Events.State, [state]));

    private static readonly IReadOnlyDictionary<string, object?> EmptySet = new Dictionary<string, object?>(StringComparer.Ordinal);

    private sealed class SlotTimer(KeyedState room, string key, StatePublisher publisher)
    {
        public void Run()
        {
            // A timer callback has no caller to throw to: an exception here would end the process.
            try
            {
                room.Flush(key, publisher);
            }
            catch (Exception ex)
            {
                TenantRealtimeLog.StateFlushFailed(publisher.Logger, room.Key, key, ex);
            }
        }
    }
}
