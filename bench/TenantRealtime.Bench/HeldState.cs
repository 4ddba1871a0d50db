using System.Text.Json;

namespace TenantRealtime.Bench;

/// <summary>
/// What one load-client connection holds of its tenant's keyed data (state-fanout, connect-storm with --state-keys,
/// slow-consumer in state mode): each key's last value number, from <c>state</c> events (state mode), from keyed
/// broadcasts (broadcast mode: the last one received per key), or from the REST load (rest mode). Applies the state
/// event's rule: a message at or below the version held in the same epoch is dropped; <c>full: true</c> replaces all.
/// </summary>
internal sealed class HeldState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _epoch;
    private long _version;

    /// <summary>Gets a task that completes when the connection received its room's whole state.</summary>
    public Task Full => _full.Task;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _values.Count;
            }
        }
    }

    /// <summary>A keyed broadcast or a REST value: the key's value is <paramref name="n"/>.</summary>
    public void Set(string key, long n)
    {
        lock (_gate)
        {
            _values[key] = n;
        }
    }

    /// <summary>
    /// Applies one <c>state</c> event; returns whether it was applied (not a stale version), whether it was the whole
    /// state, and the newest value timestamp it carried (Unix µs; 0 when none), for the latency.
    /// </summary>
    public (bool Applied, bool Full, long T) Apply(JsonElement message)
    {
        var epoch = message.GetProperty("epoch").GetString();
        var version = message.GetProperty("version").GetInt64();
        var full = message.TryGetProperty("full", out var f) && f.ValueKind == JsonValueKind.True;
        long newest = 0;
        lock (_gate)
        {
            if (!full && epoch == _epoch && version <= _version)
            {
                return (false, false, 0);
            }

            if (full)
            {
                _values.Clear();
            }

            _epoch = epoch;
            _version = version;
            if (message.TryGetProperty("set", out var set) && set.ValueKind == JsonValueKind.Object)
            {
                foreach (var pair in set.EnumerateObject())
                {
                    _values[pair.Name] = pair.Value.GetProperty("n").GetInt64();
                    newest = Math.Max(newest, pair.Value.GetProperty("t").GetInt64());
                }
            }

            if (message.TryGetProperty("removed", out var removed) && removed.ValueKind == JsonValueKind.Array)
            {
                foreach (var key in removed.EnumerateArray())
                {
                    _values.Remove(key.GetString()!);
                }
            }
        }

        if (full)
        {
            _full.TrySetResult();
        }

        return (true, full, newest);
    }

    /// <summary>Keys of <paramref name="final"/> whose value this connection does not hold (missing or another one).</summary>
    public int Mismatches(Dictionary<string, long>? final)
    {
        if (final is null)
        {
            return 0;
        }

        lock (_gate)
        {
            return final.Count(kv => !_values.TryGetValue(kv.Key, out var n) || n != kv.Value);
        }
    }
}
