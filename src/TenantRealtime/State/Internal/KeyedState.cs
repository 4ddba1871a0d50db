namespace TenantRealtime.State.Internal;

/// <summary>
/// One room's keyed state on this server: the value of each key as it last went out, numbered by the room's state
/// version (1, 2, 3, … in its epoch, one per change that goes out), tombstones of removed keys for <c>Resume</c>, and
/// the changes waiting for their key's next slot. Everything happens under one lock, and each change is handed to its
/// connections under it, so every connection receives a room's changes in version order and a read never falls
/// between two of them.
/// </summary>
internal sealed partial class KeyedState(string key, string epoch)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, StateKey> _keys = new(StringComparer.Ordinal);
    private int _liveCount;

    public string Key { get; } = key;

    public string Epoch { get; private set; } = epoch;

    public IReadOnlyList<string>? Groups { get; } = StateRoomKeys.GroupsOf(key);

    public long Version { get; private set; }

    /// <summary>
    /// Sets (or, with a null <paramref name="value"/>, removes) a key: out at once, or merged into the key's next slot.
    /// <paramref name="expiresAt"/> (a timestamp; 0: none) is when a set key is removed unless changed again.
    /// </summary>
    public void Change(string key, StateValue? value, StatePublisher publisher, long expiresAt = 0)
    {
        lock (_sync)
        {
            ChangeLocked(key, value, publisher, expiresAt);
        }
    }

    /// <summary>
    /// The key's expiry timer has fired: it is removed as <see cref="Change"/> removes it, if its expiry has come (a
    /// set since then moved or cleared it; a later one waits again).
    /// </summary>
    public void Expire(string key, StatePublisher publisher)
    {
        lock (_sync)
        {
            if (!_keys.TryGetValue(key, out var entry) || entry.ExpiresAt == 0)
            {
                return;
            }

            if (publisher.Time.GetTimestamp() < entry.ExpiresAt)
            {
                publisher.ScheduleExpiry(this, key, entry.ExpiresAt);
                return;
            }

            ChangeLocked(key, value: null, publisher, expiresAt: 0);
        }
    }

    private void ChangeLocked(string key, StateValue? value, StatePublisher publisher, long expiresAt)
    {
        var exists = _keys.TryGetValue(key, out var entry);
        var wasLive = exists && entry!.IsLive;
        if (value is null && !wasLive)
        {
            return;
        }

        if (value is not null && !wasLive && _liveCount >= publisher.MaxKeysOf(Key))
        {
            throw new TenantRealtimeLimitExceededException(
                $"{Key} already holds {_liveCount} state keys; MaxStateKeysPerRoom allows {publisher.MaxKeysOf(Key)}, so '{key}' was not added.");
        }

        if (!exists)
        {
            _keys[key] = entry = new StateKey();
        }

        // Either way the key is live from now on exactly when it has a value.
        _liveCount += (value is null ? 0 : 1) - (wasLive ? 1 : 0);

        // A removal, or a set without a time-to-live, ends any expiry; one timer for all keys removes it when due.
        entry!.ExpiresAt = value is null ? 0 : expiresAt;
        if (entry.ExpiresAt != 0)
        {
            publisher.ScheduleExpiry(this, key, entry.ExpiresAt);
        }

        var now = publisher.Time.GetTimestamp();
        if (entry.HasPending || now < entry.NextSlot)
        {
            entry.Pending = value;
            if (entry.HasPending)
            {
                // Its slot is booked already (or its flush is about to take this lock): the flush sends the latest value.
                publisher.Merged(this);
                return;
            }

            entry.HasPending = true;
            publisher.Schedule(this, key, entry.NextSlot);
        }
        else
        {
            PublishLocked(key, entry, value, now, publisher);
        }
    }

    /// <summary>The key's slot has come: its waiting change goes out.</summary>
    public void Flush(string key, StatePublisher publisher)
    {
        lock (_sync)
        {
            if (!_keys.TryGetValue(key, out var entry))
            {
                return;
            }

            if (!entry.HasPending)
            {
                return;
            }

            var now = publisher.Time.GetTimestamp();
            if (now < entry.NextSlot)
            {
                publisher.Schedule(this, key, entry.NextSlot);
                return;
            }

            if (entry.Pending is null && entry.Published is null)
            {
                // Set and removed again before it ever went out (or removed again after its removal went out): nothing to say.
                entry.HasPending = false;
                if (entry.Version == 0)
                {
                    _keys.Remove(key);
                }

                return;
            }

            PublishLocked(key, entry, entry.Pending, now, publisher);
        }
    }

    private void PublishLocked(string key, StateKey entry, StateValue? value, long now, StatePublisher publisher)
    {
        var wasTombstone = entry.IsTombstone;
        Version++;
        entry.Published = value;
        entry.Version = Version;
        entry.HasPending = false;
        entry.Pending = null;
        entry.NextSlot = publisher.NextSlotOf(Key, now);
        _snapshot = null;
        if (value is null)
        {
            _tombstones.Enqueue((key, Version));
            _tombstoneCount++;
            TrimTombstonesLocked(publisher.MaxKeysOf(Key));
        }
        else if (wasTombstone)
        {
            _tombstoneCount--;
        }

        publisher.Publish(this, key, value, Version, _liveCount);
    }
}
