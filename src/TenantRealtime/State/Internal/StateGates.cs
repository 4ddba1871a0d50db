using System.Runtime.CompilerServices;
using TenantRealtime.Delivery;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Which rooms' state each connection of this server has received, and up to which version. A room's live changes
/// reach a connection only once its gate is open (so a client never applies a change to state it never received), and
/// only in order: a version the connection was already handed is dropped, and one that does not follow it (the
/// connection was out of the room's groups meanwhile) is sent as the changes since the version it holds instead. So
/// every version a client skips was replaced by a later change of the same key (<see cref="ConnectionSender.SendStateChange"/>).
/// A room's gate is opened and moved under the room's lock, together with the read or change it sends. Kept beside each
/// connection's sender and gone with it, so a hub call that races the disconnect cannot leave an entry behind.
/// </summary>
/// <remarks>
/// A topic's gate is implicit until the topic has state: only its subscribers are in its group, and a subscriber that
/// has received nothing holds version 0, so its first change is admitted from there (the whole state when it does not
/// follow). A connection subscribed to many topics without state then keeps no entry for them.
/// </remarks>
internal sealed class StateGates
{
    private readonly ConditionalWeakTable<ConnectionSender, Gate> _gates = new();

    /// <summary>What a message of a room means for one connection.</summary>
    public enum Admission
    {
        /// <summary>The connection has not received the room's state: skip it.</summary>
        Closed,

        /// <summary>The connection was already handed this version: skip it.</summary>
        Held,

        /// <summary>It follows what the connection holds: send it.</summary>
        Next,

        /// <summary>It does not follow: send the changes since the version the connection holds instead.</summary>
        Gap,
    }

    /// <summary>Opens the connection's gate for <paramref name="room"/> at the read it is sent (no epoch: version 0 of the room's first).</summary>
    public void Open(ConnectionSender connection, string room, string? epoch = null, long version = 0)
    {
        var open = Opened(_gates.GetValue(connection, static _ => new Gate()), room);
        (open.Epoch, open.Version) = (epoch, version);
    }

    /// <summary>Whether a read for <paramref name="room"/> must open its gate first: every room but a topic (implicit, the remarks).</summary>
    public static bool NeedsOpening(string room) => !RoomNames.IsTopic(room);

    /// <summary>The room's gate in <paramref name="gate"/>, added at version 0 of no epoch when missing.</summary>
    private static RoomGate Opened(Gate gate, string room)
    {
        lock (gate)
        {
            if (Find(gate.Rooms, room) is { } open)
            {
                return open;
            }

            var added = new RoomGate(room);
            gate.Rooms = [.. gate.Rooms, added];
            return added;
        }
    }

    public bool IsOpen(ConnectionSender connection, string room) =>
        _gates.TryGetValue(connection, out var gate) && Find(gate.Rooms, room) is not null;

    /// <summary>
    /// Decides whether a message of <paramref name="room"/> that brings it from <paramref name="fromVersion"/> (-1 for
    /// a whole state) to <paramref name="version"/> of <paramref name="epoch"/> goes to the connection, and records it
    /// as handed over. On <see cref="Admission.Gap"/> the connection held <paramref name="heldEpoch"/>'s
    /// <paramref name="heldVersion"/>.
    /// </summary>
    public Admission Admit(ConnectionSender connection, string room, string epoch, long fromVersion, long version, out string? heldEpoch, out long heldVersion)
    {
        heldEpoch = null;
        heldVersion = 0;
        var gate = _gates.TryGetValue(connection, out var found) ? found : null;
        if ((gate is null ? null : Find(gate.Rooms, room)) is not { } open)
        {
            if (!RoomNames.IsTopic(room))
            {
                return Admission.Closed;
            }

            // A subscriber of a topic it has received nothing of holds version 0 (the remarks).
            open = Opened(gate ?? _gates.GetValue(connection, static _ => new Gate()), room);
        }

        // An epoch-less gate was opened on a room without state: it holds version 0 of whichever epoch comes first.
        var sameEpoch = open.Epoch is null || string.Equals(open.Epoch, epoch, StringComparison.Ordinal);
        if (sameEpoch && version <= open.Version)
        {
            return Admission.Held;
        }

        (heldEpoch, heldVersion) = (open.Epoch, open.Version);
        (open.Epoch, open.Version) = (epoch, version);
        return fromVersion < 0 || (sameEpoch && heldVersion >= fromVersion) ? Admission.Next : Admission.Gap;
    }

    /// <summary>Closes the gates of the rooms <paramref name="left"/> picks: the connection no longer holds them.</summary>
    public void Close(ConnectionSender connection, Func<string, bool> left)
    {
        if (_gates.TryGetValue(connection, out var gate))
        {
            lock (gate)
            {
                gate.Rooms = [.. gate.Rooms.Where(open => !left(open.Room))];
            }
        }
    }

    private static RoomGate? Find(RoomGate[] rooms, string room)
    {
        foreach (var open in rooms)
        {
            if (string.Equals(open.Room, room, StringComparison.Ordinal))
            {
                return open;
            }
        }

        return null;
    }

    private sealed class Gate
    {
        // Written once per room a connection starts (a handful), read on every change: copy on write.
        public volatile RoomGate[] Rooms = [];
    }

    /// <summary>One room's gate; its epoch and version change only under that room's lock.</summary>
    private sealed class RoomGate(string room)
    {
        public string Room { get; } = room;

        public string? Epoch { get; set; }

        public long Version { get; set; }
    }
}
