namespace TenantRealtime.Client;

/// <summary>
/// The server refused a topic subscription: <see cref="Code"/> is the wire contract's code
/// (<see cref="TenantRealtimeWire.Errors"/>), for example <c>forbidden</c> (the topic authorizer refused it, or it lies in
/// an organization the connection does not hold), <c>limit-exceeded</c> (more topics than the server's
/// <c>MaxTopicsPerConnection</c>) or <c>invalid-argument</c> (a name or id the server does not accept).
/// <see cref="TenantRealtimeClient.SubscribeAsync(TopicRef, CancellationToken)"/> throws it; the list form answers
/// refused topics in <see cref="TopicSubscribeResult.Refused"/> instead and throws only when the whole call fails.
/// </summary>
public sealed class TopicSubscriptionException : Exception
{
    /// <summary>Initializes a new instance for a <c>forbidden</c> refusal.</summary>
    public TopicSubscriptionException()
        : this("The server refused the topic subscription (forbidden).")
    {
    }

    /// <summary>Initializes a new instance for a <c>forbidden</c> refusal, with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public TopicSubscriptionException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The hub's error (a <c>HubException</c>).</param>
    public TopicSubscriptionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the refusal's code of the wire contract, for example <c>forbidden</c>.</summary>
    public string Code { get; init; } = TenantRealtimeWire.Errors.Forbidden;

    /// <summary>Gets the topic asked for by the single form; <see langword="null"/> for a list.</summary>
    public TopicRef? Topic { get; init; }
}
