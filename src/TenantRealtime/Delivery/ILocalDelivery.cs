using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Delivery;

/// <summary>
/// This server's connections of the tenant hub as the rest of the library sees them: who is in which group, and the
/// hand-off of a numbered broadcast to each recipient's bounded <see cref="ConnectionSender"/>. Nothing here waits for
/// a recipient.
/// </summary>
internal interface ILocalDelivery
{
    /// <summary>Gets the number of this server's connections.</summary>
    int ConnectionCount { get; }

    /// <summary>Gets the number of groups with at least one member on this server.</summary>
    int GroupCount { get; }

    /// <summary>Gets how many connections of this server are in <paramref name="group"/>.</summary>
    int MembersOf(string group);

    /// <summary>Whether a broadcast to <paramref name="groups"/> (every connection when null) has a recipient on this server.</summary>
    bool HasMembers(IReadOnlyList<string>? groups);

    /// <summary>The sender of a connection of this server, or <see langword="null"/>.</summary>
    ConnectionSender? Find(string connectionId);

    /// <summary>Adds a connection of this server to <paramref name="groupName"/>; completes when this server hears the group's broadcasts.</summary>
    Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection of this server from <paramref name="groupName"/>.</summary>
    Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers a numbered broadcast to this server's connections of <paramref name="groups"/> (every connection when
    /// null) and returns at once. Callers hand a room's broadcasts over in seq order (the senders keep that order).
    /// </summary>
    SerializedHubMessage DeliverLocally(IReadOnlyList<string>? groups, string eventName, TenantEnvelope envelope);

    /// <summary>
    /// Delivers a broadcast whose JSON protocol frame is already written (<see cref="PreparedBroadcast"/>) to this
    /// server's connections in <paramref name="groups"/>, or to all of them when <see langword="null"/>.
    /// </summary>
    void DeliverLocally(IReadOnlyList<string>? groups, PreparedBroadcast broadcast);

    /// <summary>
    /// Delivers a state message of <paramref name="room"/> to this server's accepted connections of
    /// <paramref name="groups"/> (every connection when null), each getting what <paramref name="messageFor"/> answers
    /// for it: <paramref name="message"/>, another message (one meant for it alone), or nothing. Returns at once.
    /// <paramref name="message"/> as a change of one <paramref name="key"/> replaces that key's change still queued for a
    /// slow connection (<see cref="ConnectionSender.SendStateChange"/>); anything else is queued like a broadcast.
    /// </summary>
    void DeliverState(IReadOnlyList<string>? groups, SerializedHubMessage message, string room, string? key, Func<ConnectionSender, SerializedHubMessage?> messageFor);

    /// <summary>
    /// Stops sending to the connection, writes <c>{code}: {sentence}</c> as a close message saying whether the client
    /// may reconnect, then closes the connection: as a server shutdown does when it may (the official clients
    /// reconnect), aborted when not. A client that does not read the reason within a grace has its transport aborted,
    /// which clients take for a lost connection. Returns at once: true when this call closed the connection, false when
    /// an earlier one had (only the first call for a connection does anything) or the connection has ended (it is no
    /// longer this server's: SignalR removes it here last, after the hub's disconnect).
    /// </summary>
    bool CloseWithReason(string connectionId, string reason, bool allowReconnect);
}
