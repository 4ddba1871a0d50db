namespace TenantRealtime;

/// <summary>
/// Bounds for the topics whose names start with one prefix, as Centrifugo's channel namespaces: for example
/// <c>incident:</c> topics keep a long history while <c>cursor:</c> topics keep almost none. Set them in
/// <see cref="TenantRealtimeOptions.TopicPrefixes"/>; a value left <see langword="null"/> falls back to the server-wide
/// option of the same name. A topic takes the options of the longest prefix its name starts with.
/// </summary>
public sealed class TopicPrefixOptions
{
    /// <summary>Gets or sets how many broadcasts are kept per topic for <c>Resume</c> (1 to 1,000,000), or <see langword="null"/> for <see cref="TenantRealtimeOptions.HistoryMaxMessages"/>.</summary>
    public int? HistoryMaxMessages { get; set; }

    /// <summary>Gets or sets how long broadcasts are kept per topic (1 second to 1 day), or <see langword="null"/> for <see cref="TenantRealtimeOptions.HistoryMaxAge"/>.</summary>
    public TimeSpan? HistoryMaxAge { get; set; }

    /// <summary>Gets or sets how many keys one topic's state may hold (1 to 100,000), or <see langword="null"/> for <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/>.</summary>
    public int? MaxStateKeysPerRoom { get; set; }

    /// <summary>Gets or sets the largest JSON of one state value of a topic (1 byte to 16 MiB), or <see langword="null"/> for <see cref="TenantRealtimeOptions.MaxStateValueBytes"/>.</summary>
    public int? MaxStateValueBytes { get; set; }

    /// <summary>Gets or sets how many changes per second one state key of a topic goes out (1 to 1,000), or <see langword="null"/> for <see cref="TenantRealtimeOptions.StateUpdatesPerSecondPerKey"/>.</summary>
    public int? StateUpdatesPerSecondPerKey { get; set; }

    /// <summary>
    /// Gets or sets whether these topics track who is subscribed ("who is viewing incident 42"): the <c>Subscribe</c>
    /// answer then lists the topic's users, and its subscribers (and only they) get <c>presence</c> events as users
    /// join and leave it. Off by default: presence costs a little per subscriber. Independent of
    /// <see cref="TenantRealtimeOptions.EnablePresence"/> (organizations and tenants); the presence options
    /// (<see cref="TenantRealtimeOptions.PresenceDebounce"/>, <see cref="TenantRealtimeOptions.PresenceEventsPerSecond"/>,
    /// <see cref="TenantRealtimeOptions.MaxPresenceListSize"/>, <see cref="TenantRealtimeOptions.PresenceDisplayNameClaimType"/>)
    /// apply to each topic as to a tenant.
    /// </summary>
    public bool EnablePresence { get; set; }
}
