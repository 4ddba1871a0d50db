using Microsoft.Extensions.Logging;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// The hub's reads of state for one connection: the whole state of the rooms it holds when it starts
/// (<c>Authenticate</c>), the changes since a version it held (<c>Resume</c>) and one room's whole state
/// (<c>GetState</c>). Each read opens the connection's gate for the room, so its live changes follow. The hub checks
/// that the connection holds the room; this never does authorization.
/// </summary>
internal sealed class StateReader(StateRoomStore rooms, StateGates gates, TenantRealtimeMetrics metrics, ILogger<StateReader> logger)
{
    /// <summary>The whole state of each state room of <paramref name="held"/> the connection has not started yet.</summary>
    public List<StateRead> StartHeld(ConnectionSender connection, IReadOnlyList<TenantRoom> held)
    {
        var reads = new List<StateRead>();
        foreach (var room in StateRoomKeys.HeldBy(held))
        {
            if (gates.IsOpen(connection, room))
            {
                continue;
            }

            // A room found opens the gate under its lock, with the read, so no change falls between the two. A room not
            // found opens it first and looks again: one created meanwhile sends its first change live (a topic's gate is
            // implicit: its first change is admitted from version 0, StateGates). Rooms without state (or at version 0)
            // send nothing, so apps that never use state see no extra message.
            var state = rooms.Find(room);
            if (state is null && StateGates.NeedsOpening(room))
            {
                gates.Open(connection, room);
                state = rooms.Find(room);
            }

            if (state?.WholeUnlessEmpty(gates, connection) is { } whole)
            {
                reads.Add(Sent(connection, room, whole));
            }
        }

        return reads;
    }

    /// <summary>One room's whole state (empty at version 0 for a room without state).</summary>
    public StateRead Whole(ConnectionSender connection, string room)
    {
        gates.Open(connection, room);
        return Sent(connection, room, rooms.Find(room) is { } state ? state.Whole(gates, connection) : rooms.Empty(room));
    }

    /// <summary>The changes since <paramref name="version"/> of <paramref name="epoch"/>, or the whole state when they cannot be told.</summary>
    public StateRead Since(ConnectionSender connection, string room, string epoch, long version)
    {
        gates.Open(connection, room);
        if (rooms.Find(room) is { } state)
        {
            return Sent(connection, room, state.Since(gates, connection, epoch, version));
        }

        // A room without state: a client at version 0 of this epoch holds exactly that; any other gets it whole (empty),
        // and one that held another epoch is told what it held was lost (no loader filled the room).
        var sameEpoch = string.Equals(epoch, rooms.Epoch, StringComparison.Ordinal);
        return sameEpoch && version == 0
            ? new StateRead(null, Full: false, Keys: 0, Bytes: 0, rooms.Epoch, Version: 0)
            : Sent(connection, room, rooms.Empty(room, lost: !sameEpoch));
    }

    /// <summary>
    /// The connection left <paramref name="organizationId"/>'s rooms: their changes stop reaching it, so after a later
    /// join it reads their state again rather than apply changes across the gap.
    /// </summary>
    public void Left(ConnectionSender connection, string organizationId) =>
        gates.Close(connection, room => string.Equals(RoomNames.OrganizationOf(room), organizationId, StringComparison.Ordinal));

    /// <summary>The connection left these topics: their changes stop, and a later subscribe reads their state whole again.</summary>
    public void Unsubscribed(ConnectionSender connection, IReadOnlySet<string> rooms) => gates.Close(connection, rooms.Contains);

    private StateRead Sent(ConnectionSender connection, string room, StateRead read)
    {
        if (read.Message is not null)
        {
            metrics.StateSent(StateRoomKeys.ScopeOf(room), read.Full, read.Bytes);
            TenantRealtimeLog.StateSent(logger, connection.ConnectionId, room, read.Full, read.Keys);
        }

        return read;
    }
}
