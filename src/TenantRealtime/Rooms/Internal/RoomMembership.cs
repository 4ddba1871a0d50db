using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Diagnostics;
using TenantRealtime.Hosting.Internal;

namespace TenantRealtime.Rooms.Internal;

/// <summary>
/// The one place a connection's rooms change: it keeps the SignalR groups in step with the rooms held, enforces
/// <see cref="TenantRealtimeOptions.MaxRoomsPerConnection"/>, and counts this server's members per group (for the
/// fan-out metric, and so tests can prove that churn leaves no membership behind).
/// </summary>
internal sealed class RoomMembership(
    HubLifetimeManager<TenantRealtimeHub> lifetime,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILogger<RoomMembership> logger)
{
    private readonly ConcurrentDictionary<string, int> _members = new(StringComparer.Ordinal);

    /// <summary>Gets the number of groups with at least one member on this server.</summary>
    public int GroupCount => _members.Count;

    /// <summary>This server's members of <paramref name="group"/>.</summary>
    public int MembersOf(string group) => _members.TryGetValue(group, out var count) ? count : 0;

    /// <summary>Replaces the rooms of <paramref name="state"/> with what <paramref name="change"/> returns for the current ones.</summary>
    /// <exception cref="HubException"><c>limit-exceeded</c> when the result holds more rooms than allowed.</exception>
    public async Task ChangeAsync(ConnectionState state, Func<TenantRoom[], IEnumerable<TenantRoom>> change, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyAsync(state, change(state.Rooms), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    public Task SetAsync(ConnectionState state, IEnumerable<TenantRoom> rooms, CancellationToken cancellationToken) =>
        ChangeAsync(state, _ => rooms, cancellationToken);

    /// <summary>
    /// Gives a connection its first rooms before it is visible to anything else (the store, revocation), so
    /// nothing can race it and it takes no gate: most connections then never need one.
    /// </summary>
    public Task InitializeAsync(ConnectionState state, IEnumerable<TenantRoom> rooms, CancellationToken cancellationToken) =>
        ApplyAsync(state, rooms, cancellationToken);

    /// <summary>
    /// Uncounts a connection that ended (SignalR itself drops it from its groups). Waits for a room change in
    /// flight, so that change cannot count the connection again afterwards.
    /// </summary>
    public async Task ForgetAsync(ConnectionState state)
    {
        await state.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var group in state.Groups)
            {
                Decrement(group);
            }

            state.Groups = [];
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task ApplyAsync(ConnectionState state, IEnumerable<TenantRoom> requested, CancellationToken cancellationToken)
    {
        var rooms = requested.Distinct().ToArray();
        var max = options.CurrentValue.MaxRoomsPerConnection;
        if (rooms.Length > max && rooms.Length > state.Rooms.Length)
        {
            throw HubErrors.LimitExceeded($"a connection may hold at most {max} rooms.");
        }

        var groups = DeliveryGroups.For(rooms);

        // Add before removing, so a connection moving between rooms is never briefly in none. A connection holds a
        // handful of groups, so a linear scan beats a set.
        foreach (var group in groups)
        {
            if (Array.IndexOf(state.Groups, group) < 0)
            {
                await lifetime.AddToGroupAsync(state.ConnectionId, group, cancellationToken).ConfigureAwait(false);
                _members.AddOrUpdate(group, 1, static (_, count) => count + 1);
            }
        }

        foreach (var group in state.Groups)
        {
            if (Array.IndexOf(groups, group) < 0)
            {
                await lifetime.RemoveFromGroupAsync(state.ConnectionId, group, cancellationToken).ConfigureAwait(false);
                Decrement(group);
            }
        }

        state.Rooms = rooms;
        state.Groups = groups;
        TenantRealtimeLog.RoomsChanged(logger, state.ConnectionId, rooms.Length);
    }

    private void Decrement(string group)
    {
        while (_members.TryGetValue(group, out var count))
        {
            if (count <= 1 ? _members.TryRemove(new KeyValuePair<string, int>(group, count)) : _members.TryUpdate(group, count - 1, count))
            {
                return;
            }
        }
    }
}
