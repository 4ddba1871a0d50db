namespace TenantRealtime.Rooms.Internal;

/// <summary>
/// The history and state bounds of one room (and whether a topic tracks presence): the server-wide options, or for a topic those of the longest
/// <see cref="TenantRealtimeOptions.TopicPrefixes"/> entry its name starts with. The one place prefixes are matched.
/// </summary>
internal readonly record struct RoomBounds(
    int HistoryMaxMessages,
    TimeSpan HistoryMaxAge,
    int MaxStateKeys,
    int MaxStateValueBytes,
    int StateUpdatesPerSecondPerKey,
    bool TracksPresence)
{
    public static RoomBounds Of(TenantRealtimeOptions options, string room)
    {
        var prefix = options.TopicPrefixes.Count == 0 || RoomNames.TopicNameOf(room) is not { } topic ? null : Longest(options, topic);
        return new RoomBounds(
            prefix?.HistoryMaxMessages ?? options.HistoryMaxMessages,
            prefix?.HistoryMaxAge ?? options.HistoryMaxAge,
            prefix?.MaxStateKeysPerRoom ?? options.MaxStateKeysPerRoom,
            prefix?.MaxStateValueBytes ?? options.MaxStateValueBytes,
            prefix?.StateUpdatesPerSecondPerKey ?? options.StateUpdatesPerSecondPerKey,
            prefix?.EnablePresence ?? false);
    }

    /// <summary>Whether any topic prefix tracks presence: presence then runs for those topics even with <see cref="TenantRealtimeOptions.EnablePresence"/> off.</summary>
    public static bool AnyTopicPresence(TenantRealtimeOptions options) => options.TopicPrefixes.Values.Any(prefix => prefix?.EnablePresence == true);

    /// <summary>The longest history age any room may have: how long a room's history must be remembered at most.</summary>
    public static TimeSpan LongestHistoryAge(TenantRealtimeOptions options)
    {
        var longest = options.HistoryMaxAge;
        foreach (var prefix in options.TopicPrefixes.Values)
        {
            if (prefix.HistoryMaxAge is { } age && age > longest)
            {
                longest = age;
            }
        }

        return longest;
    }

    private static TopicPrefixOptions? Longest(TenantRealtimeOptions options, string topic)
    {
        TopicPrefixOptions? found = null;
        var length = 0;
        foreach (var (prefix, bounds) in options.TopicPrefixes)
        {
            if (prefix.Length > length && topic.StartsWith(prefix, StringComparison.Ordinal))
            {
                (found, length) = (bounds, prefix.Length);
            }
        }

        return found;
    }
}
