using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>Starts test servers that scale out over a given Redis (one server or a cluster).</summary>
public static class RedisNodes
{
    /// <summary>A small history window (HistoryMaxMessages), so the recovery suite can overflow it with a few broadcasts.</summary>
    public const int HistoryWindow = 20;

    /// <summary>Short enough that a dead server stops counting within a test, long enough to survive a busy 2-core machine.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// StackExchange.Redis timeouts (extra configuration) far beyond any test's: a call that waited for Redis to fail it
    /// would blow the test's own timeout, so passing proves the caller was not held.
    /// </summary>
    public const string SlowTimeouts = "asyncTimeout=20000,syncTimeout=20000";

    public static Task<RealtimeNode> StartAsync(
        IRedisDeployment redis,
        string applicationName = "TenantRealtime.Redis.Tests",
        Action<TenantRealtimeRedisOptions>? configure = null,
        string? extraConfiguration = null,
        Action<TenantRealtimeOptions>? realtime = null,
        Action<ITenantRealtimeBuilder>? builder = null)
    {
        var options = new RealtimeNodeOptions
        {
            ApplicationName = applicationName,
            Configure = realtime,
            Realtime = realtime =>
            {
                realtime.AddRedis(redis.ConnectionString + (extraConfiguration is null ? "" : "," + extraConfiguration), redisOptions =>
                {
                    redisOptions.HeartbeatInterval = HeartbeatInterval;
                    redisOptions.ServerTimeout = ServerTimeout;
                    configure?.Invoke(redisOptions);
                });
                builder?.Invoke(realtime);
            },
        };
        return RealtimeNode.StartAsync(options);
    }
}
