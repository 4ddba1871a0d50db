using Microsoft.Extensions.Options;
using TenantRealtime.Recovery;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Hosting.Internal;

/// <summary>
/// The history's bounds of a room from <see cref="RoomBounds"/>: the server-wide options, or its topic prefix's. The
/// composition root joins the two, so the history (which comes after the rooms on a broadcast's path) never uses them.
/// </summary>
internal sealed class RoomHistoryBounds(IOptionsMonitor<TenantRealtimeOptions> options) : IHistoryBounds
{
    public HistoryBounds Of(string room)
    {
        var bounds = RoomBounds.Of(options.CurrentValue, room);
        return new HistoryBounds(bounds.HistoryMaxMessages, bounds.HistoryMaxAge);
    }

    public TimeSpan LongestAge => RoomBounds.LongestHistoryAge(options.CurrentValue);
}
