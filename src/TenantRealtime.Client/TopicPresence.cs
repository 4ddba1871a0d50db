namespace TenantRealtime.Client;

/// <summary>
/// Who is subscribed to a topic whose prefix tracks presence (the server's <c>TopicPrefixOptions.EnablePresence</c>):
/// a snapshot the client replaces whole with each change (<see cref="TopicSubscription.Presence"/>). Later changes do
/// not alter it.
/// </summary>
public sealed class TopicPresence
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="userCount">How many users are subscribed.</param>
    /// <param name="countsOnly">Whether the server sends only the count (more users than its <c>MaxPresenceListSize</c>).</param>
    /// <param name="users">The users; ordered by <see cref="TopicPresenceUser.OnlineSince"/>, then <see cref="TopicPresenceUser.UserId"/>.</param>
    public TopicPresence(long userCount, bool countsOnly, IReadOnlyList<TopicPresenceUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        UserCount = userCount;
        CountsOnly = countsOnly;
        Users = users;
    }

    /// <summary>Gets how many users are subscribed to the topic, the client's own user included.</summary>
    public long UserCount { get; }

    /// <summary>
    /// Gets whether the topic has more users than the server lists (its <c>MaxPresenceListSize</c>): then
    /// <see cref="Users"/> is empty and only <see cref="UserCount"/> is kept.
    /// </summary>
    public bool CountsOnly { get; }

    /// <summary>
    /// Gets the users subscribed to the topic, the client's own included, ordered by <see cref="TopicPresenceUser.OnlineSince"/>
    /// and then <see cref="TopicPresenceUser.UserId"/>. Empty while <see cref="CountsOnly"/>.
    /// </summary>
    public IReadOnlyList<TopicPresenceUser> Users { get; }
}

/// <summary>One user subscribed to a topic, as the server lists it.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="DisplayName">The user's display name (the server's <c>PresenceDisplayNameClaimType</c> claim), or <see langword="null"/>.</param>
/// <param name="Connections">How many of the user's connections hold the topic (as of the user's latest <c>joined</c>).</param>
/// <param name="OnlineSince">When the user subscribed to the topic (its first connection to hold it).</param>
public sealed record TopicPresenceUser(string UserId, string? DisplayName, long Connections, DateTimeOffset OnlineSince);
