namespace TenantRealtime.Client;

/// <summary>What <see cref="TenantRealtimeClient.SubscribeAsync(IReadOnlyList{TopicRef}, CancellationToken)"/> got: the topics granted, and those refused.</summary>
public sealed class TopicSubscribeResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="subscribed">The granted subscriptions, in the order asked.</param>
    /// <param name="refused">The topics refused (<c>forbidden</c>), with the ids the server resolved, in the order asked.</param>
    public TopicSubscribeResult(IReadOnlyList<TopicSubscription> subscribed, IReadOnlyList<TopicRef> refused)
    {
        ArgumentNullException.ThrowIfNull(subscribed);
        ArgumentNullException.ThrowIfNull(refused);
        Subscribed = subscribed;
        Refused = refused;
    }

    /// <summary>Gets the granted subscriptions, in the order asked; active, and kept by the client across reconnects.</summary>
    public IReadOnlyList<TopicSubscription> Subscribed { get; }

    /// <summary>Gets the topics the server refused (<c>forbidden</c>), with the ids it resolved, in the order asked.</summary>
    public IReadOnlyList<TopicRef> Refused { get; }
}
