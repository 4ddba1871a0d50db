namespace TenantRealtime.State.Internal;

/// <summary>
/// A room whose state another store versions (Redis): this server keeps a mirror of it, applies the changes in the
/// order and with the versions the store gave them, and hands each to its connections whose gate is open, as a change
/// made here would be. A version at or below the mirror's is dropped (already applied); a gap or another epoch is
/// refused, and the caller reads the store again (<see cref="ApplyRead"/>).
/// </summary>
internal sealed partial class KeyedState
{
    /// <summary>Applies one versioned change; false when it does not follow the mirror (gap or other epoch): read the store.</summary>
    public bool ApplyChange(string epoch, long version, string key, StateValue? value, StatePublisher publisher)
    {
        lock (_sync)
        {
            if (!string.Equals(epoch, Epoch, StringComparison.Ordinal) || version > Version + 1)
            {
                return false;
            }

            if (version <= Version)
            {
                return true;
            }

            ApplyLocked(key, value, version, publisher.MaxKeysOf(Key));
            Version = version;
            publisher.Publish(this, key, value, version, _liveCount);
            return true;
        }
    }

    /// <summary>
    /// Applies a read of the store: the whole state (which replaces the mirror, in a new epoch too) or the keys changed
    /// and removed since the mirror's version. Connections whose gate is open get what changed (the whole state when
    /// the epoch changed or the read was whole); a read the mirror is already past changes nothing. <paramref name="filled"/>:
    /// the store says the loader filled the epoch (<see cref="Filled"/>).
    /// </summary>
    public void ApplyRead(string epoch, long version, bool full, bool filled, IReadOnlyDictionary<string, StateValue> set, IReadOnlyList<string> removed, StatePublisher publisher)
    {
        lock (_sync)
        {
            var sameEpoch = string.Equals(epoch, Epoch, StringComparison.Ordinal);
            if (sameEpoch)
            {
                // A mirror started by a live change of a filled epoch learns it was filled from its first read.
                Filled |= filled;
                if (version <= Version)
                {
                    return;
                }
            }

            var from = Version;

            if (full || !sameEpoch)
            {
                // The store cannot tell what this mirror missed: start over from the whole state, and older versions get it whole.
                _keys.Clear();
                _tombstones.Clear();
                _tombstoneCount = 0;
                _liveCount = 0;
                Epoch = epoch;
                _floor = version;
                Filled = filled;
            }

            foreach (var (key, value) in set)
            {
                ApplyLocked(key, value, version, publisher.MaxKeysOf(Key));
            }

            foreach (var key in removed)
            {
                ApplyLocked(key, null, version, publisher.MaxKeysOf(Key));
            }

            Version = version;
            // Connections held the old epoch: unless the loader filled the new one, what they held is lost.
            var wholeOrDelta = full || !sameEpoch
                ? new TenantStateMessage(Key, Epoch, Version, full: true, set.ToDictionary(p => p.Key, p => p.Value.Plain, StringComparer.Ordinal), []) { Lost = !sameEpoch && !filled }
                : new TenantStateMessage(Key, Epoch, Version, full: false, set.ToDictionary(p => p.Key, p => p.Value.Plain, StringComparer.Ordinal), removed);
            publisher.Deliver(this, wholeOrDelta, from, _liveCount);
        }
    }

    private void ApplyLocked(string key, StateValue? value, long version, int maxTombstones)
    {
        var exists = _keys.TryGetValue(key, out var entry);
        if (!exists)
        {
            if (value is null)
            {
                return;
            }

            _keys[key] = entry = new StateKey();
        }

        var wasLive = entry!.Published is not null;
        var wasTombstone = entry.IsTombstone;
        _liveCount += (value is null ? 0 : 1) - (wasLive ? 1 : 0);
        entry.Published = value;
        entry.Version = version;
        _snapshot = null;
        if (value is null)
        {
            if (!wasTombstone)
            {
                _tombstones.Enqueue((key, version));
                _tombstoneCount++;
                TrimTombstonesLocked(maxTombstones);
            }
        }
        else if (wasTombstone)
        {
            _tombstoneCount--;
        }
    }
}
