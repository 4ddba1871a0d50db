using TenantRealtime.Delivery;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Reads for connections. Each opens the connection's gate for the room under the room's lock, so every change after
/// the read reaches the connection live and none before it does; the caller has taken the connection's place for the
/// read first, so those live changes are written after it.
/// </summary>
internal sealed partial class KeyedState
{
    // The whole state as it last went out, serialized once for every connection that reads it until the next change.
    private StateRead? _snapshot;

    /// <summary>The whole state.</summary>
    public StateRead Whole(StateGates gates, ConnectionSender connection)
    {
        lock (_sync)
        {
            gates.Open(connection, Key, Epoch, Version);
            return WholeLocked();
        }
    }

    /// <summary>The whole state, or null for a room at version 0 (nothing to send); the gate opens either way.</summary>
    public StateRead? WholeUnlessEmpty(StateGates gates, ConnectionSender connection)
    {
        lock (_sync)
        {
            gates.Open(connection, Key, Epoch, Version);
            return Version == 0 ? null : WholeLocked();
        }
    }

    /// <summary>
    /// The keys changed and removed after <paramref name="version"/> of <paramref name="epoch"/>, or the whole state when
    /// that version cannot be answered: another epoch, a version this room never reached, or older than a dropped tombstone.
    /// </summary>
    public StateRead Since(StateGates gates, ConnectionSender connection, string epoch, long version)
    {
        lock (_sync)
        {
            gates.Open(connection, Key, Epoch, Version);
            return SinceLocked(epoch, version);
        }
    }

    /// <summary>
    /// The changes since <paramref name="version"/> of <paramref name="epoch"/> (or the whole state), under the lock: for
    /// a read, and for a connection the gate found behind (<see cref="StateGates.Admission.Gap"/>), which is sent this
    /// instead of a change.
    /// </summary>
    public StateRead SinceLocked(string? epoch, long version)
    {
        if (epoch is not null && !string.Equals(epoch, Epoch, StringComparison.Ordinal))
        {
            // The client held an epoch that is gone: unless the loader filled this one, what it held is lost.
            return Filled ? WholeLocked() : LostLocked();
        }

        if (epoch is null || version < _floor || version > Version)
        {
            return WholeLocked();
        }

        var set = new Dictionary<string, object?>(StringComparer.Ordinal);
        var removed = new List<string>();
        long bytes = 0;
        foreach (var (key, entry) in _keys)
        {
            if (entry.Version <= version)
            {
                continue;
            }

            if (entry.Published is { } value)
            {
                set[key] = value.Plain;
                bytes += value.Bytes;
            }
            else
            {
                removed.Add(key);
            }
        }

        return set.Count + removed.Count == 0
            ? new StateRead(null, Full: false, Keys: 0, Bytes: 0, Epoch, Version)
            : new StateRead(StatePublisher.Message(new TenantStateMessage(Key, Epoch, Version, full: false, set, removed)), Full: false, set.Count + removed.Count, bytes, Epoch, Version);
    }

    /// <summary>Every key's latest value, waiting changes included: what connections will hold once they have gone out.</summary>
    public Dictionary<string, object?> Values()
    {
        lock (_sync)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, entry) in _keys)
            {
                if ((entry.HasPending ? entry.Pending : entry.Published) is { } value)
                {
                    values[key] = value.Plain;
                }
            }

            return values;
        }
    }

    private StateRead WholeLocked() => _snapshot ??= WholeLocked(lost: false);

    // Not cached: sent only to clients that come back after a loss.
    private StateRead LostLocked() => WholeLocked(lost: true);

    private StateRead WholeLocked(bool lost)
    {
        var set = new Dictionary<string, object?>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var (key, entry) in _keys)
        {
            if (entry.Published is { } value)
            {
                set[key] = value.Plain;
                bytes += value.Bytes;
            }
        }

        return new StateRead(StatePublisher.Message(new TenantStateMessage(Key, Epoch, Version, full: true, set, []) { Lost = lost }), Full: true, set.Count, bytes, Epoch, Version);
    }
}
