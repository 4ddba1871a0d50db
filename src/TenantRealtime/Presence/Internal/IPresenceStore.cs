namespace TenantRealtime.Presence.Internal;

/// <summary>
/// Decides who is online from the servers' shares and announces the changes. The default keeps everything in this
/// server (<see cref="InMemoryPresenceStore"/>); the Redis package decides in Redis, for every server at once.
/// </summary>
internal interface IPresenceStore
{
    /// <summary>
    /// This server's connections of a user changed in <paramref name="scope"/>; the counts are in
    /// <see cref="LocalPresence"/>. Returns at once: nothing waits for a recipient or for Redis.
    /// </summary>
    void Changed(PresenceRoom scope, string userId);

    /// <summary>
    /// Completes once every change told before the call has been decided and its events sent, so a read that follows
    /// sees it (a subscriber's own entry in the list its <c>Subscribe</c> answers). At once in memory.
    /// </summary>
    ValueTask DecidedAsync(CancellationToken cancellationToken);

    /// <summary>Reads the users online in <paramref name="scope"/>, or only their number when more than <paramref name="maxUsers"/>.</summary>
    ValueTask<PresenceRead> ReadAsync(PresenceRoom scope, int maxUsers, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IPresenceStore.ReadAsync"/> found.</summary>
/// <param name="UserCount">The users online in the scope.</param>
/// <param name="CountsOnly">Whether there were more than the bound, so <paramref name="Users"/> is empty.</param>
/// <param name="Users">The users, in no particular order.</param>
/// <param name="Connections">
/// When <paramref name="CountsOnly"/>, the scope's connections if the store read them within its own bound; otherwise
/// <see langword="null"/>, and the reader asks the <see cref="IConnectionRegistry"/>.
/// </param>
internal sealed record PresenceRead(long UserCount, bool CountsOnly, IReadOnlyList<PresenceUser> Users, long? Connections = null)
{
    /// <summary>The users as presence lists them: by when they came online, then by id.</summary>
    public List<PresenceUser> Ordered() => [.. Users.OrderBy(user => user.OnlineSince).ThenBy(user => user.UserId, StringComparer.Ordinal)];
}
