namespace TenantRealtime.Redis.State;

/// <summary>
/// The state changes this server accepted while Redis was unreachable, keeping only the latest per (room, key): a
/// later change of the same key replaces the waiting one (a removal is a change too), so the outbox holds at most one
/// entry per key this server changed during the outage, and the first of them to go out when Redis returns carries
/// the latest value. Taken in the order keys were first changed. A set with a time-to-live keeps when it ends (a
/// <see cref="TimeProvider"/> timestamp), so it is written with what is left of it, or as a removal once it has ended.
/// </summary>
internal sealed class StateOutbox
{
    private readonly Lock _sync = new();
    private readonly Dictionary<(string Room, string Key), (string? Json, long ExpiresAt)> _latest = new();
    private readonly List<(string Room, string Key)> _order = [];

    /// <summary>Gets the number of (room, key) changes waiting.</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _latest.Count;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="valueJson"/> (null: a removal) as the latest change of the key, replacing any waiting one;
    /// a set ends at <paramref name="expiresAt"/> (a timestamp; 0: never).
    /// </summary>
    public void Put(string room, string key, string? valueJson, long expiresAt = 0)
    {
        lock (_sync)
        {
            if (!_latest.ContainsKey((room, key)))
            {
                _order.Add((room, key));
            }

            _latest[(room, key)] = (valueJson, valueJson is null ? 0 : expiresAt);
        }
    }

    /// <summary>The changes waiting for <paramref name="room"/>, key → latest value JSON (null: removed).</summary>
    public List<(string Key, string? ValueJson)> Waiting(string room)
    {
        lock (_sync)
        {
            return [.. _order.Where(k => k.Room == room).Select(k => (k.Key, _latest[k].Json))];
        }
    }

    /// <summary>The oldest waiting key and its latest change, without taking it; false when none waits.</summary>
    public bool TryPeek(out (string Room, string Key, string? ValueJson, long ExpiresAt) change)
    {
        lock (_sync)
        {
            if (_order.Count == 0)
            {
                change = default;
                return false;
            }

            var (room, key) = _order[0];
            var (json, expiresAt) = _latest[(room, key)];
            change = (room, key, json, expiresAt);
            return true;
        }
    }

    /// <summary>
    /// Takes the oldest waiting key once written, unless it changed again meanwhile (then the newer value waits on).
    /// </summary>
    public void Written(string room, string key, string? writtenJson, long writtenExpiresAt = 0)
    {
        lock (_sync)
        {
            if (_latest.TryGetValue((room, key), out var latest) && string.Equals(latest.Json, writtenJson, StringComparison.Ordinal) && latest.ExpiresAt == writtenExpiresAt)
            {
                _latest.Remove((room, key));
                _order.Remove((room, key));
            }
        }
    }
}
