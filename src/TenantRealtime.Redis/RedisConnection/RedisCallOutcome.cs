namespace TenantRealtime.Redis.RedisConnection;

/// <summary>How a call made under the <see cref="RedisCallPolicy"/> ended.</summary>
internal enum RedisCallOutcome
{
    /// <summary>Redis answered within the bound.</summary>
    Answered,

    /// <summary>Not tried: Redis is known to be down.</summary>
    Down,

    /// <summary>The bound ran out; the call goes on in the background (<see cref="RedisCall.Task"/>).</summary>
    TimedOut,

    /// <summary>The call failed in Redis (<see cref="RedisCall.Failure"/>).</summary>
    Failed,
}
