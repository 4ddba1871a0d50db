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
        var roomKey = room.Key;
        delivery.DeliverFiltered(room.Groups, message, connection => gates.IsOpen(connection, roomKey));
        metrics.StateChanged(StateRoomKeys.ScopeOf(roomKey), roomKeys);
    }

    /// <summary>Sends a room's read of its store (whole or changed keys) to the connections whose gate is open; returns at once.</summary>
    public void Deliver(KeyedState room, TenantStateMessage state, int roomKeys)
    {
        var roomKey = room.Key;
        delivery.DeliverFiltered(room.Groups, Message(state), connection => gates.IsOpen(connection, roomKey));
        metrics.StateChanged(StateRoomKeys.ScopeOf(roomKey), roomKeys);
    }

    /// <summary>Counts a change merged into a later one by the rate bound.</summary>
    public void Merged(KeyedState room) => metrics.StateMerged(StateRoomKeys.ScopeOf(room.Key));

    /// <summary>Sends the key's waiting change once <paramref name="due"/> has passed.</summary>
    public ITimer Schedule(KeyedState room, string key, TimeSpan due) =>
        time.CreateTimer(static state => ((SlotTimer)state!).Run(), new SlotTimer(room, key, this), due, Timeout.InfiniteTimeSpan);

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
