using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// The one place a connection's rooms change: it keeps the SignalR groups in step with the rooms held, enforces
/// <see cref="TenantRealtimeOptions.MaxRoomsPerConnection"/> and, for topics apart, <see cref="TenantRealtimeOptions.MaxTopicsPerConnection"/>, and tells this server's members per group (for the
/// fan-out metric, and so tests can prove that churn leaves no membership behind) from the groups themselves.
/// </summary>
internal sealed class RoomMembership(
    ILocalDelivery lifetime,
    SharedRooms shared,
    IEnumerable<IRoomsObserver> observers,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILogger<RoomMembership> logger)
{
    private readonly IRoomsObserver[] _observers = [.. observers];

    /// <summary>Gets the number of groups with at least one member on this server.</summary>
    public int GroupCount => lifetime.GroupCount;

    /// <summary>This server's members of <paramref name="group"/>.</summary>
    public int MembersOf(string group) => lifetime.MembersOf(group);

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

    /// <summary>
    /// Ends the connection's rooms: observers see it leave every room, and a change still on its way afterwards (a call
    /// or a revocation that read the connection before it ended) does nothing. Its groups are the lifetime manager's to
    /// drop, as it does for every connection that ends.
    /// </summary>
    public async Task CloseAsync(ConnectionState state)
    {
        await state.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var before = state.Rooms;
            state.Closed = true;
            state.Rooms = [];
            Notify(state, before, []);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Gives a connection its first rooms before it is visible to anything else (the store, revocation), so
    /// nothing can race it and it takes no gate: most connections then never need one.
    /// </summary>
    public Task InitializeAsync(ConnectionState state, IEnumerable<TenantRoom> rooms, CancellationToken cancellationToken) =>
        ApplyAsync(state, rooms, cancellationToken);

    private async Task ApplyAsync(ConnectionState state, IEnumerable<TenantRoom> requested, CancellationToken cancellationToken)
    {
        if (state.Closed)
        {
            return;
        }

        var rooms = requested.Distinct().Select(shared.Share).ToArray();
        var settings = options.CurrentValue;

        // A change may keep what is already held past a lowered bound; it may not grow past it.
        var (topics, heldTopics) = (CountTopics(rooms), CountTopics(state.Rooms));
        if (topics > settings.MaxTopicsPerConnection && topics > heldTopics)
        {
            throw HubErrors.LimitExceeded($"a connection may subscribe to at most {settings.MaxTopicsPerConnection} topics.");
        }

        if (rooms.Length - topics > settings.MaxRoomsPerConnection && rooms.Length - topics > state.Rooms.Length - heldTopics)
        {
            throw HubErrors.LimitExceeded($"a connection may hold at most {settings.MaxRoomsPerConnection} rooms.");
        }

        // The groups held now follow from the rooms held now: not kept per connection, they cost nothing while idle.
        var current = DeliveryGroups.For(state.Rooms);
        var groups = DeliveryGroups.For(rooms);

        // Add before removing, so a connection moving between rooms is never briefly in none. A connection holds a
        // handful of groups, so a linear scan beats a set.
        foreach (var group in groups)
        {
            if (Array.IndexOf(current, group) < 0)
            {
                await lifetime.AddToGroupAsync(state.ConnectionId, group, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var group in current)
        {
            if (Array.IndexOf(groups, group) < 0)
            {
                await lifetime.RemoveFromGroupAsync(state.ConnectionId, group, cancellationToken).ConfigureAwait(false);
            }
        }

        var before = state.Rooms;
        state.Rooms = rooms;
        TenantRealtimeLog.RoomsChanged(logger, state.ConnectionId, rooms.Length);
        Notify(state, before, rooms);
    }

    private void Notify(ConnectionState state, TenantRoom[] before, TenantRoom[] after)
    {
        foreach (var observer in _observers)
        {
            observer.RoomsChanged(state, before, after);
        }
    }

    private static int CountTopics(TenantRoom[] rooms)
    {
        var count = 0;
        foreach (var room in rooms)
        {
            count += room.IsTopic ? 1 : 0;
        }

        return count;
    }
}
