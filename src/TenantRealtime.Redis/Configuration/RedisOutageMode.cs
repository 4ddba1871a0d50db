namespace TenantRealtime.Redis;

/// <summary>What a broadcast does while Redis is unreachable (<see cref="TenantRealtimeRedisOptions.OutageMode"/>).</summary>
public enum RedisOutageMode
{
    /// <summary>
    /// The broadcast is accepted and kept in this server's bounded outbox, then numbered and sent in order when Redis
    /// answers again; the call returns at once with a receipt that has no <c>seq</c>.
    /// </summary>
    Buffer = 0,

    /// <summary>
    /// The broadcast throws <see cref="TenantRealtimeUnavailableException"/>, so the app can fail its own request
    /// (for example with 503) instead of accepting a change it cannot deliver now.
    /// </summary>
    Reject = 1,
}
