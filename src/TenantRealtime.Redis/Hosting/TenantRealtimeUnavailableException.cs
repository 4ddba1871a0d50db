namespace TenantRealtime.Redis;

/// <summary>
/// Thrown by a broadcast when Redis is unreachable and <see cref="TenantRealtimeRedisOptions.OutageMode"/> is
/// <see cref="RedisOutageMode.Reject"/>. When <see cref="MayBeDelivered"/> is <see langword="false"/> nothing was sent;
/// when it is <see langword="true"/> Redis did not answer in time but may still number and deliver the broadcast.
/// </summary>
public sealed class TenantRealtimeUnavailableException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public TenantRealtimeUnavailableException()
        : this("Redis is unreachable: the broadcast was not sent.")
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
    /// <param name="innerException">The Redis failure, if any.</param>
    public TenantRealtimeUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Gets whether the broadcast may still be delivered: Redis did not answer within the broadcast timeout, and the
    /// numbering it was sent may yet run. <see langword="false"/> when it was refused before reaching Redis or failed.
    /// </summary>
    public bool MayBeDelivered { get; init; }
}
