using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// Presence per topic: counts a connection in each topic it holds whose prefix tracks presence
/// (<see cref="TopicPrefixOptions.EnablePresence"/>) and tells the store, as <see cref="PresenceTracker"/> does for
/// organizations and tenants. Told every room change of every connection (under its gate); one that holds no topic,
/// and was counted in none, returns after a scan of its handful of rooms.
/// </summary>
internal sealed class TopicPresence(LocalPresence local, IPresenceStore store, IOptionsMonitor<TenantRealtimeOptions> options, TimeProvider time) : IRoomsObserver
{
    public void RoomsChanged(ConnectionState state, TenantRoom[] before, TenantRoom[] after)
    {
        var counted = state.PresenceTopics;
        if (state.Identity is not { } identity || (counted.Length == 0 && !HasTopic(after)))
        {
            return;
        }

        var settings = options.CurrentValue;
        var now = after.Where(room => Tracks(settings, room)).ToArray();
        foreach (var room in now)
        {
            if (Array.IndexOf(counted, room) < 0)
            {
                var scope = PresenceRoom.OfTopic(room);
                local.AddTopic(scope, identity.UserId, DisplayNames.Of(state.Context.User, settings.PresenceDisplayNameClaimType), time.GetUtcNow());
                store.Changed(scope, identity.UserId);
            }
        }

        foreach (var room in counted)
        {
            if (Array.IndexOf(now, room) < 0 && local.RemoveTopic(PresenceRoom.OfTopic(room), identity.UserId))
            {
                store.Changed(PresenceRoom.OfTopic(room), identity.UserId);
            }
        }

        state.PresenceTopics = now.Length == 0 ? [] : now;
    }

    /// <summary>Whether <paramref name="room"/> is a topic whose prefix tracks presence.</summary>
    public static bool Tracks(TenantRealtimeOptions options, TenantRoom room) => room.IsTopic && RoomBounds.Of(options, room.Name).TracksPresence;

    private static bool HasTopic(TenantRoom[] rooms)
    {
        foreach (var room in rooms)
        {
            if (room.IsTopic)
            {
                return true;
            }
        }

        return false;
    }
}
