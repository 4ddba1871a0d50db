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
        var added = now.Where(room => Array.IndexOf(counted, room) < 0).ToList();
        if (added.Count > 0)
        {
            // One name and one time for all the topics of this change (a subscribe may name a hundred).
            var displayName = DisplayNames.Of(state.Context.User, settings.PresenceDisplayNameClaimType);
            var since = time.GetUtcNow();
            foreach (var scope in added.Select(PresenceRoom.OfTopic))
            {
                local.AddTopic(scope, identity.UserId, displayName, since);
                store.Changed(scope, identity.UserId);
            }
        }

        foreach (var scope in counted.Where(room => Array.IndexOf(now, room) < 0).Select(PresenceRoom.OfTopic))
        {
            if (local.RemoveTopic(scope, identity.UserId))
            {
                store.Changed(scope, identity.UserId);
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
