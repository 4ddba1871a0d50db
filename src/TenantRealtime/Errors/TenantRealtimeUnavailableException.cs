namespace TenantRealtime;

/// <summary>
/// Thrown when what a call needs from the scale-out (Redis, with the <c>TenantRealtime.Redis</c> package) cannot be
/// reached in time: by a broadcast when the Redis package's outage mode is <c>Reject</c>, and by the cluster-wide reads
/// of <see cref="IPresence"/>. Clients calling <c>GetPresence</c> get the coded error
/// <see cref="TenantRealtimeWire.Errors.Unavailable"/> instead. Nothing about the call's own input is wrong: retry
/// later.
/// </summary>
public sealed class TenantRealtimeUnavailableException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public TenantRealtimeUnavailableException()
        : this("The scale-out is unreachable: the call could not be completed.")
    {
    }

    /// <summary>Initializes a new instance with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public TenantRealtimeUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The scale-out's failure, if any.</param>
    public TenantRealtimeUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Gets whether a broadcast that threw this may still be delivered: Redis did not answer within the broadcast
    /// timeout, and the numbering it was sent may yet run. <see langword="false"/> when it was refused before reaching
    /// Redis or failed, and for reads.
    /// </summary>
    public bool MayBeDelivered { get; init; }
}
