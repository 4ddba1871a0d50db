namespace TenantRealtime.Client;

/// <summary>
/// A topic subscription the server took away: the server's <c>unsubscribed</c> event (its topic authorizer refused the
/// topic again, for example after <c>RefreshUserRoomsAsync</c>), or a topic refused when the client subscribed again
/// after a reconnect or a server switch. The subscription is no longer active; its room's position and state are
/// dropped. Subscribe again to ask the server anew.
/// </summary>
public sealed class TopicRevokedEventArgs : EventArgs
{
    /// <summary>Creates the event's arguments.</summary>
    /// <param name="subscription">The subscription taken away.</param>
    /// <param name="error">Why: a code of <see cref="TenantRealtimeWire.Errors"/>, or <c>unsupported</c>.</param>
    public TopicRevokedEventArgs(TopicSubscription subscription, string error)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentException.ThrowIfNullOrEmpty(error);
        Subscription = subscription;
        Error = error;
    }

    /// <summary>Gets the subscription taken away (its <see cref="TopicSubscription.IsActive"/> is <see langword="false"/>).</summary>
    public TopicSubscription Subscription { get; }

    /// <summary>
    /// Gets why: usually <c>forbidden</c> (<see cref="TenantRealtimeWire.Errors.Forbidden"/>); when the whole subscribe
    /// after a reconnect failed, the server's code (for example <c>limit-exceeded</c>), or <c>unsupported</c> for a
    /// server without topics.
    /// </summary>
    public string Error { get; }
}
