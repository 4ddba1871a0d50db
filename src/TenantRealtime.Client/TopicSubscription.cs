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
}
