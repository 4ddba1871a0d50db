using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using TenantRealtime.Internal.Connections;
using TenantRealtime.Internal.Hubs;

namespace TenantRealtime.Internal.Rooms;

/// <summary>The one place a connection's rooms change: it keeps the SignalR groups in step with the rooms held.</summary>
internal sealed class RoomMembership(HubLifetimeManager<TenantRealtimeHub> lifetime, ILogger<RoomMembership> logger)
{
    /// <summary>Replaces the rooms of <paramref name="state"/> with what <paramref name="change"/> returns for the current ones.</summary>
    public async Task ChangeAsync(ConnectionState state, Func<IReadOnlySet<TenantRoom>, IEnumerable<TenantRoom>> change, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rooms = new HashSet<TenantRoom>(change(state.Rooms));
            var groups = DeliveryGroups.For(rooms);

            // Add before removing, so a connection moving between rooms is never briefly in none.
            foreach (var group in groups)
            {
                if (!state.Groups.Contains(group))
                {
                    await lifetime.AddToGroupAsync(state.ConnectionId, group, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var group in state.Groups)
            {
                if (!groups.Contains(group))
                {
                    await lifetime.RemoveFromGroupAsync(state.ConnectionId, group, cancellationToken).ConfigureAwait(false);
                }
            }

            state.Rooms = rooms;
            state.Groups = groups;
            TenantRealtimeLog.RoomsChanged(logger, state.ConnectionId, rooms.Count);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    public Task SetAsync(ConnectionState state, IEnumerable<TenantRoom> rooms, CancellationToken cancellationToken) =>
        ChangeAsync(state, _ => rooms, cancellationToken);
}
