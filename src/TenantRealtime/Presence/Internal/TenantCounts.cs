namespace TenantRealtime.Presence.Internal;

/// <summary>
/// A user's connections per tenant on this server. Nearly every user connects with one tenant, so that one is kept
/// inline and a dictionary is made only when a second tenant appears: a dictionary per online user cost ~220 B of heap
/// where the inline tenant costs 12. A mutable struct: keep it in a field and call it in place, never copy it.
/// </summary>
internal struct TenantCounts
{
    private string? _first;
    private int _firstCount;
    private Dictionary<string, int>? _more;

    /// <summary>Counts a connection in <paramref name="tenantId"/>.</summary>
    public void Add(string tenantId)
    {
        if (_first is not null && string.Equals(_first, tenantId, StringComparison.Ordinal))
        {
            _firstCount++;
        }
        else if (_more is not null && _more.TryGetValue(tenantId, out var count))
        {
            _more[tenantId] = count + 1;
        }
        else if (_first is null)
        {
            _first = tenantId;
            _firstCount = 1;
        }
        else
        {
            (_more ??= new(StringComparer.Ordinal))[tenantId] = 1;
        }
    }

    /// <summary>Stops counting a connection in <paramref name="tenantId"/>; nothing when none is counted there.</summary>
    public void Remove(string tenantId)
    {
        if (_first is not null && string.Equals(_first, tenantId, StringComparison.Ordinal))
        {
            if (--_firstCount == 0)
            {
                _first = null;
            }
        }
        else if (_more is not null && _more.TryGetValue(tenantId, out var count))
        {
            if (count > 1)
            {
                _more[tenantId] = count - 1;
            }
            else if (_more.Remove(tenantId) && _more.Count == 0)
            {
                _more = null;
            }
        }
    }

    /// <summary>The connections counted in <paramref name="tenantId"/>.</summary>
    public readonly int Of(string tenantId) =>
        _first is not null && string.Equals(_first, tenantId, StringComparison.Ordinal) ? _firstCount
        : _more?.GetValueOrDefault(tenantId) ?? 0;

    /// <summary>The tenants with connections, in no particular order.</summary>
    public readonly IEnumerable<string> Names()
    {
        // An iterator works on a copy of the struct: fine for the reads its caller makes under its lock.
        if (_first is not null)
        {
            yield return _first;
        }

        foreach (var tenantId in _more?.Keys ?? Enumerable.Empty<string>())
        {
            yield return tenantId;
        }
    }
}
