using System.Collections.Concurrent;
using TenantRealtime.Recovery;

namespace TenantRealtime.State.Internal;

/// <summary>
/// This server's rooms with state, by room key, and the one epoch they share: in memory state is lost only when the
/// server restarts, which loses every room at once. So a room that never had state is simply empty at version 0 of that
/// epoch, and reading it creates nothing (a client naming rooms cannot grow the server's memory); only
/// <c>SetAsync</c> (or the app's <see cref="IStateLoader"/>, <see cref="LocalStateSync"/>) creates a room, whose first
/// change is version 1. Rooms are kept while the server runs.
/// </summary>
internal sealed class StateRoomStore
{
    private static readonly IReadOnlyDictionary<string, object?> NoKeys = new Dictionary<string, object?>(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, KeyedState> _rooms = new(StringComparer.Ordinal);

    /// <summary>Gets the epoch of every room's state on this server.</summary>
    public string Epoch { get; } = RoomEpochs.New();

    public int Count => _rooms.Count;

    public KeyedState? Find(string room) => _rooms.GetValueOrDefault(room);

    public KeyedState GetOrCreate(string room) => _rooms.GetOrAdd(room, static (key, epoch) => new KeyedState(key, epoch), Epoch);

    /// <summary>The room, created empty at version 0 of <paramref name="epoch"/> when missing (a mirror of a store that versions it).</summary>
    public KeyedState GetOrCreate(string room, string epoch) => _rooms.GetOrAdd(room, static (key, epoch) => new KeyedState(key, epoch), epoch);

    /// <summary>The whole state of a room that has none: empty, at version 0; <paramref name="lost"/> for a client that held an older epoch.</summary>
    public StateRead Empty(string room, bool lost = false) =>
        new(StatePublisher.Message(new TenantStateMessage(room, Epoch, 0, full: true, NoKeys, []) { Lost = lost }), Full: true, Keys: 0, Bytes: 0, Epoch, Version: 0);
}
