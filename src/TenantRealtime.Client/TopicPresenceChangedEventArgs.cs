namespace TenantRealtime.Client;

/// <summary>
/// A topic's presence changed (<see cref="TopicSubscription.PresenceChanged"/>): a <c>Subscribe</c> answer replaced it
/// (the first subscribe, and the one the client makes after every reconnect or server switch), a <c>joined</c> or
/// <c>left</c> event changed it, or the subscription became inactive.
/// </summary>
public sealed class TopicPresenceChangedEventArgs : EventArgs
{
    /// <summary>Creates the event's arguments.</summary>
    /// <param name="subscription">The subscription whose presence changed.</param>
    /// <param name="presence">The new snapshot, or <see langword="null"/>.</param>
    /// <param name="presenceError">Why <paramref name="presence"/> is missing, when the server said so.</param>
    public TopicPresenceChangedEventArgs(TopicSubscription subscription, TopicPresence? presence, string? presenceError)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        Subscription = subscription;
        Presence = presence;
        PresenceError = presenceError;
    }

    /// <summary>Gets the subscription whose presence changed.</summary>
    public TopicSubscription Subscription { get; }

    /// <summary>Gets the new snapshot (as <see cref="TopicSubscription.Presence"/> was set by this change), or <see langword="null"/>.</summary>
    public TopicPresence? Presence { get; }

    /// <summary>Gets why <see cref="Presence"/> is <see langword="null"/> when the server could not read it (<c>unavailable</c>), else <see langword="null"/>.</summary>
    public string? PresenceError { get; }
}
