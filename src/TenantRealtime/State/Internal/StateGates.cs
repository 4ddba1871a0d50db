using System.Collections.Concurrent;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Which rooms' state each connection of this server has received (whole, or changes since a version it held). A
/// room's live changes reach a connection only once its gate is open, so a client never applies a change to state it
/// never received; the gate is opened under the room's lock, together with the read it sends.
/// </summary>
internal sealed class StateGates
{
    // Written once per room a connection starts (a handful), read on every change: copy on write.
    private readonly ConcurrentDictionary<string, string[]> _open = new(StringComparer.Ordinal);

    public void Open(string connectionId, string room) =>
        _open.AddOrUpdate(connectionId, static (_, room) => [room], static (_, rooms, room) => Array.IndexOf(rooms, room) >= 0 ? rooms : [.. rooms, room], room);

    public bool IsOpen(string connectionId, string room) =>
        _open.TryGetValue(connectionId, out var rooms) && Array.IndexOf(rooms, room) >= 0;

    public void Forget(string connectionId) => _open.TryRemove(connectionId, out _);
}
