namespace TenantRealtime.State.Internal;

/// <summary>
/// A room filled by the app's <see cref="IStateLoader"/> in its epoch (in memory: the first read after a restart).
/// Whether its state was filled decides what a client that held an older epoch is told: the loaded state, or that
/// what it held was lost (<see cref="TenantStateMessage.Lost"/>).
/// </summary>
internal sealed partial class KeyedState
{
    /// <summary>Gets whether the loader filled this epoch's state (false: it started empty, and older state is lost).</summary>
    public bool Filled { get; private set; }

    /// <summary>
    /// Applies a load: each key as one change (versions 1, 2, … in key order), except a key written since the load began
    /// (its written value is newer) and keys past <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/>. A null
    /// <paramref name="values"/> (nothing loaded) leaves the room as it is, not filled.
    /// </summary>
    public void Fill(IReadOnlyList<KeyValuePair<string, StateValue>>? values, StatePublisher publisher)
    {
        lock (_sync)
        {
            if (values is null)
            {
                return;
            }

            Filled = true;
            var now = publisher.Time.GetTimestamp();
            foreach (var (key, value) in values)
            {
                if (_keys.ContainsKey(key) || _liveCount >= publisher.MaxKeysOf(Key))
                {
                    continue;
                }

                var entry = _keys[key] = new StateKey();
                _liveCount++;
                PublishLocked(key, entry, value, now, publisher);
            }
        }
    }
}
