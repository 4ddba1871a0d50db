namespace TenantRealtime.Recovery;

/// <summary>
/// How many broadcasts a room keeps and for how long. The history asks rather than reads the options, because a
/// topic's prefix may set its own bounds (<see cref="TenantRealtimeOptions.TopicPrefixes"/>), and matching room keys
/// to prefixes belongs to the rooms, which come before the history on a broadcast's path.
/// </summary>
internal interface IHistoryBounds
{
    /// <summary>The bounds of <paramref name="room"/>'s history.</summary>
    HistoryBounds Of(string room);

    /// <summary>Gets the longest age any room's history may have: how long an idle room must be remembered at most.</summary>
    TimeSpan LongestAge { get; }
}

/// <summary>A room's history bounds.</summary>
/// <param name="MaxMessages">How many broadcasts it keeps.</param>
/// <param name="MaxAge">How long it keeps them.</param>
internal readonly record struct HistoryBounds(int MaxMessages, TimeSpan MaxAge);
