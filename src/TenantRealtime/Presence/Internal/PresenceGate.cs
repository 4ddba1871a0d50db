namespace TenantRealtime.Presence.Internal;

/// <summary>
/// The per-scope rate bound of presence events: a token bucket of <c>perSecond</c> events holding one second's worth
/// (kept as the time the bucket is next full, GCRA-style). Changes wait here, merged per user (the last change wins),
/// until the bound lets them out: at most one <c>left</c> and one <c>joined</c> event per release. Nothing is dropped.
/// Not thread-safe: its owner calls it under its own lock. The Redis package's script keeps the same bound in Redis.
/// </summary>
internal sealed class PresenceGate
{
    private const int PruneEvery = 256;

    private readonly Dictionary<PresenceRoom, ScopeGate> _scopes = [];
    private int _queued;

    /// <summary>Gets the scopes with changes waiting.</summary>
    public int WaitingScopes => _scopes.Count(pair => pair.Value.Pending is not null);

    /// <summary>Records a change of <paramref name="userId"/> in <paramref name="scope"/>, replacing one still waiting.</summary>
    public void Queue(PresenceRoom scope, string userId, PresenceChange change, long nowMs)
    {
        if (++_queued % PruneEvery == 0)
        {
            Prune(nowMs);
        }

        if (!_scopes.TryGetValue(scope, out var gate))
        {
            _scopes[scope] = gate = new ScopeGate();
        }

        (gate.Pending ??= new(StringComparer.Ordinal))[userId] = change;
    }

    /// <summary>
    /// Takes the scope's waiting changes if the bound allows an event at <paramref name="nowMs"/> (charging one event
    /// per kind taken); otherwise returns false with the time it will allow one. The changes taken are the caller's.
    /// </summary>
    public bool TryTake(PresenceRoom scope, long nowMs, int perSecond, out IReadOnlyCollection<KeyValuePair<string, PresenceChange>> changes, out long retryAtMs)
    {
        changes = [];
        retryAtMs = 0;
        if (!_scopes.TryGetValue(scope, out var gate) || gate.Pending is not { } pending)
        {
            return true;
        }

        var interval = 1000.0 / perSecond;
        var slack = (perSecond - 1) * interval;
        if (gate.FullAt - nowMs > slack)
        {
            retryAtMs = (long)Math.Ceiling(gate.FullAt - slack);
            return false;
        }

        // Handed over, not cleared: a cleared dictionary would keep the capacity of the largest burst for good.
        changes = pending;
        gate.Pending = null;
        var events = (changes.Any(c => c.Value.Joined) ? 1 : 0) + (changes.Any(c => !c.Value.Joined) ? 1 : 0);
        gate.FullAt = Math.Max(gate.FullAt, nowMs) + (events * interval);
        return true;
    }

    /// <summary>Forgets the scopes with nothing waiting whose bucket is full again: what was used more than a second ago.</summary>
    private void Prune(long nowMs)
    {
        foreach (var (scope, gate) in _scopes)
        {
            if (gate.Pending is null && gate.FullAt <= nowMs)
            {
                _scopes.Remove(scope);
            }
        }
    }

    private sealed class ScopeGate
    {
        /// <summary>The changes waiting, merged per user; null when none wait.</summary>
        public Dictionary<string, PresenceChange>? Pending { get; set; }

        /// <summary>When the bucket is full again (Unix ms): each event sent moves it one interval later.</summary>
        public double FullAt { get; set; }
    }
}

/// <summary>A user's change in a scope, as it will be announced.</summary>
/// <param name="Joined">True for <c>joined</c>, false for <c>left</c>.</param>
/// <param name="User">The user as it left (for <c>left</c>); for <c>joined</c> its entry is read again when sent.</param>
internal readonly record struct PresenceChange(bool Joined, PresenceUser User);
