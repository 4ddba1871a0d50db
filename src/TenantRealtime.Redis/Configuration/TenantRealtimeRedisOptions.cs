using StackExchange.Redis;

namespace TenantRealtime.Redis;

/// <summary>Options for TenantRealtime's Redis scale-out. Validated when the app starts.</summary>
public sealed class TenantRealtimeRedisOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration of the one multiplexer the package creates and shares
    /// (backplane, connection registry, revocation, health check). <see cref="ConfigurationOptions.AbortOnConnectFail"/>
    /// is always treated as <see langword="false"/>, so the app starts, and reconnects by itself, while Redis is down.
    /// The default has no endpoint: set one, or set <see cref="ConnectionFactory"/>.
    /// </summary>
    /// <remarks>
    /// So that broadcasts are numbered again within about a second of Redis returning, the package's copy of this
    /// configuration reconnects faster than StackExchange.Redis's defaults (a heartbeat of 1 s and a back-off from
    /// 2.5 s growing to 10 s, which let a restarted Redis go unnoticed for 3 s or more), each only where the app left
    /// it at its default: <see cref="ConfigurationOptions.HeartbeatInterval"/> becomes 200 ms, and
    /// <see cref="ConfigurationOptions.ReconnectRetryPolicy"/> an <see cref="ExponentialRetry"/> from 250 ms growing
    /// to 1 s. The retry policy also bounds how long one connect attempt (TCP and TLS) may take before it is
    /// abandoned and tried again; over a link where that takes longer than a second, set a policy of your own.
    /// This object itself is never changed, and a multiplexer from <see cref="ConnectionFactory"/> is used as the
    /// app configured it.
    /// </remarks>
    public ConfigurationOptions Configuration { get; set; } = new() { AbortOnConnectFail = false };

    /// <summary>
    /// Gets or sets a factory returning an existing multiplexer to use instead of creating one from
    /// <see cref="Configuration"/>. The app owns that multiplexer: the package never disposes it.
    /// The default is <see langword="null"/>.
    /// </summary>
    public Func<IServiceProvider, IConnectionMultiplexer>? ConnectionFactory { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every Redis channel and key the package uses, so that two applications sharing a
    /// Redis never see each other's messages or counts. 1 to 128 characters of <c>[A-Za-z0-9_.-]</c>.
    /// The default (<see langword="null"/>) is the host's application name
    /// (<c>IHostEnvironment.ApplicationName</c>), with any other character replaced by <c>-</c>.
    /// </summary>
    public string? ChannelPrefix { get; set; }

    /// <summary>
    /// Gets or sets how often this server rewrites its share of the cluster-wide connection counts and renews its
    /// liveness. Changes between heartbeats are written as they happen. The default is 5 seconds.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long after its last heartbeat a server's connections stop counting, when it died without
    /// stopping gracefully (a graceful stop removes them at once). At least twice <see cref="HeartbeatInterval"/>.
    /// The default is 15 seconds.
    /// </summary>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets the longest anything on a caller's path waits for Redis before it goes on without it: a broadcast
    /// being numbered and published (one script), a publish of the app's own hubs, a presence read, the reading of a
    /// room's position at connect, a join waiting for its organization's channel to be listened to, and an own
    /// broadcast held on this server for lower ones still to come on that channel. What each does then is its own: a
    /// broadcast Redis has not numbered in time waits in the outbox (see <see cref="OutboxCapacity"/>) and is sent in
    /// order when Redis answers; a publish not confirmed in time continues in the background; a presence read throws
    /// <see cref="TenantRealtimeUnavailableException"/>; the position is left out; the join and the held broadcast
    /// go on. While Redis is known to be disconnected nothing waits at all. 0 never waits. The default is 1 second.
    /// </summary>
    public TimeSpan RedisWaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets <see cref="RedisWaitTimeout"/>, under its former name, which also binds from configuration.</summary>
    [Obsolete("Use RedisWaitTimeout: this timeout bounds every wait for Redis on a caller's path, not only broadcasts.")]
    public TimeSpan BroadcastTimeout
    {
        get => RedisWaitTimeout;
        set => RedisWaitTimeout = value;
    }

    /// <summary>
    /// Gets or sets how many broadcasts this server keeps while Redis is unreachable (in
    /// <see cref="RedisOutageMode.Buffer"/> mode). They are numbered and sent in order when Redis returns. When the
    /// outbox is full the oldest waiting broadcast is given up (logged as a warning and counted as
    /// <c>tenantrealtime.redis.outbox.dropped</c>), and its room starts a new epoch in Redis before anything else is
    /// numbered in it, so clients that missed it are told to reload (<c>recovered: false</c>) when they resume, and
    /// live clients on their next broadcast of that room. The outbox is this server's memory: if the process dies
    /// while broadcasts wait in it (the <c>tenantrealtime.redis.outbox.size</c> gauge), those are lost; see
    /// <c>docs/scaling.md</c>. Between 1 and 1,000,000. The default is 10,000.
    /// </summary>
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets what a broadcast does while Redis is unreachable or does not number it within
    /// <see cref="RedisWaitTimeout"/>: <see cref="RedisOutageMode.Buffer"/> (the default) keeps it in the outbox and
    /// returns at once; <see cref="RedisOutageMode.Reject"/> throws <see cref="TenantRealtimeUnavailableException"/>.
    /// </summary>
    public RedisOutageMode OutageMode { get; set; } = RedisOutageMode.Buffer;
}
