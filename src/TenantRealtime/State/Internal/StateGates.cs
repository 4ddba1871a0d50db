using System.Runtime.CompilerServices;
using TenantRealtime.Delivery;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Which rooms' state each connection of this server has received (whole, or changes since a version it held). A
/// room's live changes reach a connection only once its gate is open, so a client never applies a change to state it
/// never received; the gate is opened under the room's lock, together with the read it sends. Kept beside each
/// connection's sender and gone with it, so a hub call that races the disconnect cannot leave an entry behind.
/// </summary>
internal sealed class StateGates
{
    private readonly ConditionalWeakTable<ConnectionSender, Gate> _gates = new();

    public void Open(ConnectionSender connection, string room)
    {
        var gate = _gates.GetValue(connection, static _ => new Gate());
        lock (gate)
        {
            if (Array.IndexOf(gate.Rooms, room) < 0)
            {
                gate.Rooms = [.. gate.Rooms, room];
            }
        }
    }

    public bool IsOpen(ConnectionSender connection, string room) =>
        _gates.TryGetValue(connection, out var gate) && Array.IndexOf(gate.Rooms, room) >= 0;

    /// <summary>Closes the gates of the rooms <paramref name="left"/> picks: the connection no longer holds them.</summary>
    public void Close(ConnectionSender connection, Func<string, bool> left)
    {
        if (_gates.TryGetValue(connection, out var gate))
        {
            lock (gate)
            {
                gate.Rooms = [.. gate.Rooms.Where(room => !left(room))];
            }
        }
    }

    private sealed class Gate
    {
        // Written once per room a connection starts (a handful), read on every change: copy on write.
        public volatile string[] Rooms = [];
    }
}
