using System.Text.Json;

namespace TenantRealtime.Client.Internal;

/// <summary>One key that changed in a room's state map: set to <see cref="Value"/>, or removed.</summary>
internal readonly record struct StateChangeRecord(string Room, string Key, object? Value, bool Removed);

/// <summary>
/// Each room's keyed state: its map, epoch and version. Applies <c>state</c> events (full ones replace, others set and
/// remove keys), drops versions at or below the one held in the same epoch, and reports a change from another epoch (or
/// to a room never read) so the caller asks <c>GetState</c> for the room (once until a whole state arrives).
/// </summary>
internal sealed class StateMaps
{
    private readonly Dictionary<string, RoomMap> _rooms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _requested = new(StringComparer.Ordinal);

    /// <summary>What applying one message did.</summary>
    public enum Outcome
    {
        Applied,
        Dropped,

        /// <summary>A change the client cannot apply (another epoch, or a room never read): ask the room's whole state.</summary>
        RequestWhole,

        /// <summary>Same as <see cref="RequestWhole"/>, but already asked and not answered yet: dropped.</summary>
        AlreadyRequested,
    }

    public Outcome Apply(TenantStateMessage message, List<StateChangeRecord> changes)
    {
        lock (_rooms)
        {
            _rooms.TryGetValue(message.Room, out var held);
            if (message.Full)
            {
                if (held is not null && held.Epoch == message.Epoch && message.Version <= held.Version && !_requested.Contains(message.Room))
                {
                    return Outcome.Dropped;
                }

                _requested.Remove(message.Room);
                var next = new Dictionary<string, object?>(message.Set ?? new Dictionary<string, object?>(), StringComparer.Ordinal);
                if (held is not null)
                {
                    foreach (var key in held.Values.Keys.Where(k => !next.ContainsKey(k)))
                    {
                        changes.Add(new StateChangeRecord(message.Room, key, null, true));
                    }
                }

                foreach (var (key, value) in next)
                {
                    if (held is null || !held.Values.TryGetValue(key, out var old) || !SameJson(old, value))
                    {
                        changes.Add(new StateChangeRecord(message.Room, key, value, false));
                    }
                }

                _rooms[message.Room] = new RoomMap(message.Epoch, message.Version, next);
                return Outcome.Applied;
            }

            if (held is not null && held.Epoch == message.Epoch && message.Version <= held.Version)
            {
                return Outcome.Dropped;
            }

            // A version more than one above is fine: the server skips only versions it replaced with a later change of the
            // same key (a slow connection's queue); it never lets a connection miss one otherwise.
            if (held is null || held.Epoch != message.Epoch)
            {
                // A change to a state the client does not have (never read, or another epoch).
                return _requested.Add(message.Room) ? Outcome.RequestWhole : Outcome.AlreadyRequested;
            }

            var values = new Dictionary<string, object?>(held.Values, StringComparer.Ordinal);
            foreach (var key in message.Removed ?? Array.Empty<string>())
            {
                if (values.Remove(key))
                {
                    changes.Add(new StateChangeRecord(message.Room, key, null, true));
                }
            }

            foreach (var (key, value) in message.Set ?? new Dictionary<string, object?>())
            {
                values[key] = value;
                changes.Add(new StateChangeRecord(message.Room, key, value, false));
            }

            _rooms[message.Room] = new RoomMap(held.Epoch, message.Version, values);
            return Outcome.Applied;
        }
    }

    /// <summary>The request for a room's whole state failed: the next change that cannot be applied asks again.</summary>
    public void RequestFailed(string room)
    {
        lock (_rooms)
        {
            _requested.Remove(room);
        }
    }

    /// <summary>The server no longer gives the connection this room (<c>forbidden</c> on resume): forget it.</summary>
    public List<StateChangeRecord> Forget(string room)
    {
        lock (_rooms)
        {
            _requested.Remove(room);
            return _rooms.Remove(room, out var held)
                ? [.. held.Values.Keys.Select(key => new StateChangeRecord(room, key, null, true))]
                : [];
        }
    }

    /// <summary>The version held of every room, as <c>Resume</c>'s <c>states</c>.</summary>
    public Dictionary<string, object>[] Versions()
    {
        lock (_rooms)
        {
            return [.. _rooms.Select(r => new Dictionary<string, object>
            {
                [TenantRealtimeWire.StateFields.Room] = r.Key,
                [TenantRealtimeWire.StateFields.Epoch] = r.Value.Epoch,
                [TenantRealtimeWire.StateFields.Version] = r.Value.Version,
            })];
        }
    }

    public IReadOnlyDictionary<string, object?>? Snapshot(string room, out string? epoch, out long version)
    {
        lock (_rooms)
        {
            if (_rooms.TryGetValue(room, out var held))
            {
                epoch = held.Epoch;
                version = held.Version;
                return held.Values;
            }

            epoch = null;
            version = 0;
            return null;
        }
    }

    /// <summary>Reads a value as <typeparamref name="T"/>: JSON values as they came, others (MessagePack) through JSON.</summary>
    public static T? Convert<T>(object? value, JsonSerializerOptions options) => value switch
    {
        null => default,
        T typed => typed,
        JsonElement element => element.Deserialize<T>(options),
        _ => JsonSerializer.SerializeToElement(value, options).Deserialize<T>(options),
    };

    private static bool SameJson(object? left, object? right) =>
        left is JsonElement a && right is JsonElement b ? a.GetRawText() == b.GetRawText() : Equals(left, right);

    private sealed record RoomMap(string Epoch, long Version, Dictionary<string, object?> Values);
}
