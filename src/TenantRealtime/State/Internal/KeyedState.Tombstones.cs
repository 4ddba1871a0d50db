namespace TenantRealtime.State.Internal;

/// <summary>
/// Tombstones: a removed key is kept, as removed at its version, so a <c>Resume</c> can say which keys went. At most
/// <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/> per room, the oldest dropped first; a client whose version
/// predates a dropped one gets the whole state (<see cref="_floor"/>).
/// </summary>
internal sealed partial class KeyedState
{
    private readonly Queue<(string Key, long Version)> _tombstones = new();
    private int _tombstoneCount;

    // A delta from a version below it could miss a removal whose tombstone was dropped: such a client gets the whole state.
    private long _floor;

    private void TrimTombstonesLocked(int max)
    {
        while (_tombstoneCount > max && _tombstones.TryDequeue(out var oldest))
        {
            if (!_keys.TryGetValue(oldest.Key, out var entry) || !entry.IsTombstone || entry.Version != oldest.Version)
            {
                continue;
            }

            _tombstoneCount--;
            _floor = Math.Max(_floor, oldest.Version);
            if (entry.HasPending)
            {
                // Forgotten as a tombstone, but its waiting value still goes out.
                entry.Version = 0;
            }
            else
            {
                _keys.Remove(oldest.Key);
            }
        }

        // Keys set again after their removal leave stale entries behind: drop them before they outnumber the live ones.
        if (_tombstones.Count > (2 * max) + 16)
        {
            var kept = _tombstones.Where(t => _keys.TryGetValue(t.Key, out var e) && e.IsTombstone && e.Version == t.Version).ToList();
            _tombstones.Clear();
            foreach (var item in kept)
            {
                _tombstones.Enqueue(item);
            }
        }
    }
}
