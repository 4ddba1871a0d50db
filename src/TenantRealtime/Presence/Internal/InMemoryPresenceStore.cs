using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// One server's presence: a user is online in a scope from its first connection here until its last one has been gone
/// for the debounce window. Changes pass the per-scope <see cref="PresenceGate"/>, all under one lock, so each scope's
/// events go out in the order they were decided.
/// </summary>
internal sealed class InMemoryPresenceStore(
    LocalPresence local,
    PresenceEvents events,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time) : IPresenceStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PresenceRoom, Dictionary<string, Online>> _scopes = [];
    private readonly Dictionary<PresenceRoom, ITimer> _releases = [];
    private readonly PresenceGate _gate = new();

    public void Changed(PresenceRoom scope, string userId)
    {
        lock (_lock)
        {
            Apply(scope, userId);
        }
    }

    public ValueTask DecidedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<PresenceRead> ReadAsync(PresenceRoom scope, int maxUsers, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var users = _scopes.GetValueOrDefault(scope);
            var count = users?.Count ?? 0;
            if (users is null || count > maxUsers)
            {
                return ValueTask.FromResult(new PresenceRead(count, count > maxUsers, []));
            }

            return ValueTask.FromResult(new PresenceRead(count, false, [.. users.Select(pair => Current(scope, pair.Key, pair.Value))]));
        }
    }

    private void Apply(PresenceRoom scope, string userId)
    {
        var users = _scopes.GetValueOrDefault(scope);
        ref var online = ref users is null ? ref Unsafe.NullRef<Online>() : ref CollectionsMarshal.GetValueRefOrNullRef(users, userId);
        if (local.Connections(scope, userId) > 0)
        {
            if (!Unsafe.IsNullRef(ref online))
            {
                // Back within the debounce window: nothing to announce.
                online.Stay();
                return;
            }

            var (since, displayName) = local.Find(scope, userId) ?? (time.GetUtcNow(), null);
            var joined = new Online(since, displayName);
            if (users is null)
            {
                _scopes[scope] = users = new(StringComparer.Ordinal);
            }

            users[userId] = joined;
            Announce(scope, userId, new PresenceChange(Joined: true, Current(scope, userId, joined)));
        }
        else if (!Unsafe.IsNullRef(ref online) && online.Leaving is null)
        {
            var debounce = options.CurrentValue.PresenceDebounce;
            if (debounce <= TimeSpan.Zero)
            {
                Leave(scope, userId, online);
                return;
            }

            var leaving = new Leaving(this, scope, userId, online.DisplayName);
            online.StartLeaving(leaving);

            // Set before the callback can run: it takes the lock this method is called under.
            leaving.Timer = time.CreateTimer(static state => ((Leaving)state!).Fire(), leaving, debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnLeft(Leaving leaving)
    {
        lock (_lock)
        {
            // Only the window this timer belongs to: a reconnect cancelled it, and a later leave has a timer of its own.
            var users = _scopes.GetValueOrDefault(leaving.Room);
            if (users is not null && users.TryGetValue(leaving.UserId, out var online) && online.Leaving == leaving && local.Connections(leaving.Room, leaving.UserId) == 0)
            {
                Leave(leaving.Room, leaving.UserId, online);
            }
        }
    }

    private void Leave(PresenceRoom scope, string userId, Online online)
    {
        online.Leaving?.Cancel();
        var users = _scopes[scope];
        users.Remove(userId);
        if (users.Count == 0)
        {
            _scopes.Remove(scope);
        }

        Announce(scope, userId, new PresenceChange(Joined: false, new PresenceUser(userId, online.DisplayName, 0, online.Since)));
    }

    private void Announce(PresenceRoom scope, string userId, PresenceChange change)
    {
        _gate.Queue(scope, userId, change, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!Release(scope))
        {
            metrics.PresenceDeferred(scope.WireName);
        }
    }

    /// <summary>Sends the scope's waiting changes if the bound allows, else makes sure they are sent when it does.</summary>
    private bool Release(PresenceRoom scope)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!_gate.TryTake(scope, now, options.CurrentValue.PresenceEventsPerSecond, out var changes, out var retryAt))
        {
            if (!_releases.ContainsKey(scope))
            {
                _releases[scope] = time.CreateTimer(static state => ((Releasing)state!).Fire(), new Releasing(this, scope), TimeSpan.FromMilliseconds(Math.Max(1, retryAt - now)), Timeout.InfiniteTimeSpan);
            }

            return false;
        }

        var count = _scopes.GetValueOrDefault(scope)?.Count ?? 0;
        var left = changes.Where(c => !c.Value.Joined).Select(c => c.Value.User).ToList();
        if (left.Count > 0)
        {
            events.Send(scope, TenantRealtimeWire.PresenceTypes.Left, left, count);
        }

        // Merged joins are sent as the users are now (their connections may have changed while they waited).
        var users = _scopes.GetValueOrDefault(scope);
        var joined = changes
            .Where(c => c.Value.Joined && users?.ContainsKey(c.Key) == true)
            .Select(c => Current(scope, c.Key, users![c.Key]))
            .ToList();
        if (joined.Count > 0)
        {
            events.Send(scope, TenantRealtimeWire.PresenceTypes.Joined, joined, count);
        }

        return true;
    }

    private void OnRelease(PresenceRoom scope)
    {
        lock (_lock)
        {
            if (_releases.Remove(scope, out var timer))
            {
                timer.Dispose();
            }

            Release(scope);
        }
    }

    private PresenceUser Current(PresenceRoom scope, string userId, Online online) =>
        new(userId, online.DisplayName, local.Connections(scope, userId), online.Since);

    /// <summary>
    /// A user online in a scope; <see cref="Leaving"/> runs while its last connection is gone. A struct kept in the
    /// scope's dictionary, updated in place: an object per user and scope cost 48 B more of heap and one more object
    /// for the collector to trace. The time is kept as UTC ticks (8 B, where a <see cref="DateTimeOffset"/> takes 16):
    /// it always came from <see cref="TimeProvider.GetUtcNow"/>, whose offset is zero.
    /// </summary>
    private struct Online(DateTimeOffset since, string? displayName)
    {
        private readonly long _sinceTicks = since.UtcTicks;

        // The display name, or during a debounce window the Leaving that holds it: one reference where two would add
        // 8 B to every user's entry in each scope (~26 B per user with the dictionaries' spare room) for a window few
        // users are in at any time.
        private object? _nameOrLeaving = displayName;

        public readonly DateTimeOffset Since => new(_sinceTicks, TimeSpan.Zero);

        public readonly string? DisplayName => _nameOrLeaving is Leaving leaving ? leaving.DisplayName : (string?)_nameOrLeaving;

        public readonly Leaving? Leaving => _nameOrLeaving as Leaving;

        /// <summary>Starts a debounce window; <paramref name="leaving"/> holds the display name meanwhile.</summary>
        public void StartLeaving(Leaving leaving) => _nameOrLeaving = leaving;

        /// <summary>Ends the debounce window, if any, and cancels its timer.</summary>
        public void Stay()
        {
            if (_nameOrLeaving is Leaving leaving)
            {
                leaving.Cancel();
                _nameOrLeaving = leaving.DisplayName;
            }
        }
    }

    /// <summary>A debounce window: its identity tells a timer that fires late from the window now running.</summary>
    private sealed class Leaving(InMemoryPresenceStore store, PresenceRoom scope, string userId, string? displayName)
    {
        public PresenceRoom Room { get; } = scope;

        public string UserId { get; } = userId;

        public string? DisplayName { get; } = displayName;

        public ITimer? Timer { get; set; }

        public void Fire() => store.OnLeft(this);

        public void Cancel() => Timer?.Dispose();
    }

    private sealed record Releasing(InMemoryPresenceStore Store, PresenceRoom Room)
    {
        public void Fire() => Store.OnRelease(Room);
    }
}
