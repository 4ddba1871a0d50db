using System.Collections.Concurrent;

namespace TenantRealtime.Rooms.Internal;

/// <summary>
/// One instance of each organization and tenant room for every connection of this server that holds it. Every
/// member of a tenant holds an equal <see cref="TenantRoom"/> (and name string); sharing one saves ~200 bytes per idle
/// connection. A cache of immutable values that decides nothing (rooms compare by name), so it is bounded simply: it
/// is emptied when full, and later connections share new instances.
/// </summary>
internal sealed class SharedRooms
{
    // Organization and tenant rooms only: tens of thousands of tenants fit, and at ~150 bytes each the cache stays small.
    private const int Capacity = 65_536;

    private readonly ConcurrentDictionary<string, TenantRoom> _rooms = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Gets the instance of <paramref name="room"/> to keep: the shared one, or the room itself.</summary>
    public TenantRoom Share(TenantRoom room)
    {
        // A user's own room is held by that user's few connections: not worth an entry.
        if (room.Kind == TenantRoomKind.User)
        {
            return room;
        }

        if (_rooms.TryGetValue(room.Name, out var shared))
        {
            return shared;
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _rooms.Clear();
            Volatile.Write(ref _count, 1);
        }

        return _rooms.GetOrAdd(room.Name, room);
    }
}
