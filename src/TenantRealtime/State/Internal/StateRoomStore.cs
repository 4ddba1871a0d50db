using System.Collections.Concurrent;

namespace TenantRealtime.State.Internal;

/// <summary>
/// This server's rooms with state, by room key. A room gets its epoch when it is created here, so in memory a restart
/// is a new epoch for every room and clients get the whole (empty) state. Rooms are kept while the server runs.
/// </summary>
internal sealed class StateRoomStore
{
    private readonly ConcurrentDictionary<string, KeyedState> _rooms = new(StringComparer.Ordinal);

    public int Count => _rooms.Count;

    public KeyedState? Find(string room) => _rooms.GetValueOrDefault(room);

    public KeyedState GetOrCreate(string room) => _rooms.GetOrAdd(room, static key => new KeyedState(key));
}
