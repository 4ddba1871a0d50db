using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The one answer to "did Redis fail?": what every Redis path of the package treats as Redis being unreachable,
/// slow or gone, rather than a bug. A call site that also expects something of its own (a <see cref="TimeoutException"/>
/// from <c>WaitAsync</c>, a cancellation) says so beside this predicate.
/// </summary>
internal static class RedisFailure
{
    /// <summary>Whether <paramref name="exception"/> is a Redis failure.</summary>
    /// <remarks>
    /// <see cref="RedisTimeoutException"/> derives from <see cref="TimeoutException"/>, not <see cref="RedisException"/>.
    /// A disposed multiplexer happens only while the app shuts down.
    /// </remarks>
    public static bool Is(Exception exception) =>
        exception is RedisException or RedisTimeoutException or ObjectDisposedException;
}
