using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

/// <summary>
/// A topic the client holds. The client keeps it across reconnects and server switches (it subscribes again before it
/// resumes, so the topic's broadcasts missed meanwhile are replayed) until it is unsubscribed or the server takes it
/// away (<see cref="TenantRealtimeClient.TopicRevoked"/>). The topic's broadcasts reach the handlers registered with
/// <see cref="TenantRealtimeClient.On{TData}(string, Func{TenantEvent{TData}, Task})"/>, with <see cref="TenantEvent{TData}.Room"/>
/// equal to <see cref="Room"/>; its keyed state is <see cref="TenantRealtimeClient.GetState{T}(string)"/> of <see cref="Room"/>.
/// Disposing it unsubscribes.
/// </summary>
public sealed class TopicSubscription : IAsyncDisposable
{
    private readonly TenantRealtimeClient _client;
    private int _active = 1;
    private PresenceHeld _presence = PresenceHeld.None;

    internal TopicSubscription(TenantRealtimeClient client, TopicRef topic, string room)
    {
        _client = client;
        Topic = topic;
        Room = room;
    }

    /// <summary>Gets the topic, with the organization and tenant the server resolved (every id filled).</summary>
    public TopicRef Topic { get; }

    /// <summary>Gets the topic's room key, for example <c>topic:org-a:t1:incident:42</c>, as its broadcasts, positions and state carry it.</summary>
    public string Room { get; }

    /// <summary>Gets whether the client holds the topic: <see langword="false"/> once unsubscribed or taken away by the server.</summary>
    public bool IsActive => Volatile.Read(ref _active) == 1;

    /// <summary>
    /// Gets who is subscribed to the topic, the client's own user included, for a topic whose prefix tracks presence
    /// (the server's <c>TopicPrefixOptions.EnablePresence</c>). Replaced whole by every <c>Subscribe</c> answer for the
    /// topic (the first, a <see cref="TenantRealtimeClient.SubscribeAsync(TopicRef, CancellationToken)"/> of the topic
    /// held, and the one the client makes after every reconnect, restart or server switch), then changed by the topic's
    /// <c>joined</c> and <c>left</c> events. While the client reconnects it keeps the list it had. An immutable snapshot:
    /// read it again (or use <see cref="PresenceChanged"/>) for later changes. <see langword="null"/> for a topic without
    /// presence, when the server could not read it (<see cref="PresenceError"/>), and once the subscription is inactive.
    /// </summary>
    public TopicPresence? Presence => Volatile.Read(ref _presence).Presence;

    /// <summary>
    /// Gets why <see cref="Presence"/> is <see langword="null"/> for a topic that tracks presence: <c>unavailable</c>
    /// when the server could not read it (Redis down or slow). Subscribing to the topic again asks again; the reconnect's
    /// subscribe does too. <see langword="null"/> otherwise.
    /// </summary>
    public string? PresenceError => Volatile.Read(ref _presence).Error;

    /// <summary>
    /// Raised after each change of <see cref="Presence"/> or <see cref="PresenceError"/>, with the new values, in the
    /// order of the changes. It runs on the client's receive loop (or the subscribe's continuation) while the client holds
    /// its presence lock: keep handlers short and do not block waiting for the client (start its calls without waiting).
    /// A handler's exception is logged, not thrown.
    /// </summary>
    public event EventHandler<TopicPresenceChangedEventArgs>? PresenceChanged;

    /// <summary>
    /// Leaves the topic: the client stops tracking its room, drops its state (state handlers see each key go) and no
    /// longer subscribes to it after a reconnect; the server stops sending its broadcasts. Idempotent. While the client is
    /// disconnected it only forgets the topic (the server's connection is gone with it).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the server's answer (the client has forgotten the topic already).</param>
    /// <returns>A task that completes when the server has answered, or at once when there is nothing to do.</returns>
    public Task UnsubscribeAsync(CancellationToken cancellationToken = default) => _client.UnsubscribeAsync(this, cancellationToken);

    /// <summary>Unsubscribes (<see cref="UnsubscribeAsync"/>); a failure is logged, not thrown.</summary>
    /// <returns>A task that completes when the topic is left.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await UnsubscribeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _client.LogUnsubscribeFailed(Room, exception);
        }
    }

    /// <summary>Returns the room key and whether the subscription is active.</summary>
    /// <returns>For logs and test output.</returns>
    public override string ToString() => IsActive ? Room : $"{Room} (inactive)";

    /// <summary>Marks the subscription inactive; true for the caller that did.</summary>
    internal bool Deactivate() => Interlocked.Exchange(ref _active, 0) == 1;

    /// <summary>The presence held; the client changes it only under its presence lock.</summary>
    internal PresenceHeld HeldPresence => Volatile.Read(ref _presence);

    /// <summary>Replaces the presence held and raises <see cref="PresenceChanged"/>; handlers' exceptions are logged.</summary>
    internal void SetPresence(PresenceHeld held)
    {
        Volatile.Write(ref _presence, held);
        if (PresenceChanged is not { } handlers)
        {
            return;
        }

        var args = new TopicPresenceChangedEventArgs(this, held.Presence, held.Error);
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<TopicPresenceChangedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception exception)
            {
                // One failing handler must not stop the others, nor the client's receive loop.
                _client.LogPresenceHandlerFailed(Room, exception);
            }
        }
    }
}
