using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// Cluster-wide connection counts. Each server's own connections are counted in its index of them (the core's
/// <see cref="LocalConnectionStore"/>, exact and never blocked by Redis), and it publishes that share to Redis: a
/// sorted set of live servers scored by when their share stops counting, and per server hashes of its total, its
/// organizations, their tenants and their users (<see cref="RedisKeys.Servers"/>, <see cref="RedisKeys.Server"/>,
/// <see cref="RedisKeys.Organization"/>, <see cref="RedisKeys.OrganizationUsers"/>, where the keys are spelled).
/// Connects and disconnects only mark the organization and user dirty; the <see cref="RegistryHeartbeat"/> writes them.
/// A read asks the sorted set for live servers and reads one small hash (or one field) per server, so it costs
/// O(servers) commands (pipelined) and O(organizations + tenants) data, never O(connections). This server's own share
/// is read from memory.
/// </summary>
internal sealed partial class RedisConnectionRegistry : IConnectionRegistry, IConnectionCapCounts, IAsyncDisposable
{
    private readonly LocalConnectionStore _local;
    private readonly RememberedShares _remembered = new();
    private readonly SharedRedisConnection _connection;
    private readonly RedisCallPolicy _policy;
    private readonly TimeProvider _time;
    private readonly RedisMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RegistryHeartbeat _heartbeat;

    public RedisConnectionRegistry(
        LocalConnectionStore local,
        SharedRedisConnection connection,
        RedisCallPolicy policy,
        IOptions<TenantRealtimeRedisOptions> options,
        TimeProvider time,
        RedisMetrics metrics,
        ILogger<RedisConnectionRegistry> logger)
    {
        _local = local;
        _connection = connection;
        _policy = policy;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _heartbeat = new RegistryHeartbeat(_local, connection, ServerId, options.Value, time, logger);
    }

    /// <summary>Gets this server's id in Redis: unique per process, so a restarted server never inherits a dead share.</summary>
    public string ServerId { get; } = Guid.NewGuid().ToString("N");

    private RedisKeys Keys => _connection.Keys;

    /// <summary>The store has counted the connection: its organization and user are marked for the next write.</summary>
    public ValueTask AddAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _heartbeat.MarkDirty(connection.Identity);
        return ValueTask.CompletedTask;
    }

    /// <summary>The store has uncounted the connection: its organization and user are marked for the next write.</summary>
    public ValueTask RemoveAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _heartbeat.MarkDirty(connection.Identity);
        return ValueTask.CompletedTask;
    }

    /// <summary>Starts writing this server's share to Redis.</summary>
    public void Start() => _heartbeat.Start();

    /// <summary>Stops writing and removes this server's share at once, so a graceful stop never leaves counts behind.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _heartbeat.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _heartbeat.DisposeAsync();
}
