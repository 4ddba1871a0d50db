using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// Cluster-wide connection counts. Each server counts its own connections in memory (the core's
/// <see cref="InMemoryConnectionRegistry"/>, exact and never blocked by Redis) and publishes that share to Redis:
/// <list type="bullet">
/// <item><c>{prefix}:tenantrealtime:servers</c>: sorted set of server ids scored by the time (Unix ms) their share
/// stops counting, pushed forward by every heartbeat;</item>
/// <item><c>{prefix}:tenantrealtime:server:{id}</c>: hash of the server's total (<c>*</c>) and per-organization counts;</item>
/// <item><c>{prefix}:tenantrealtime:server:{id}:org:{org}</c>: hash of that organization's total and per-tenant counts.</item>
/// </list>
/// Connects and disconnects only mark the organization dirty; a single background loop writes dirty organizations
/// at once and rewrites the whole share every heartbeat (which also heals a Redis that lost its data). A read asks
/// the sorted set for live servers and reads one small hash per server, so it costs O(servers) commands (pipelined)
/// and O(organizations + tenants) data, never O(connections). This server's own share is read from memory.
/// </summary>
internal sealed partial class RedisConnectionRegistry : IConnectionRegistry, IAsyncDisposable
{
    private readonly InMemoryConnectionRegistry _local = new();
    private readonly SharedRedisConnection _connection;
    private readonly TenantRealtimeRedisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnectionRegistry> _logger;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    // Organizations whose key may exist in Redis; a superset, so a failed delete is retried on the next heartbeat.
    private readonly HashSet<string> _published = new(StringComparer.Ordinal);
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;
    private volatile bool _running;
    private bool _failing;

    public RedisConnectionRegistry(
        SharedRedisConnection connection,
        IOptions<TenantRealtimeRedisOptions> options,
        TimeProvider time,
        ILogger<RedisConnectionRegistry> logger)
    {
        _connection = connection;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets this server's id in Redis: unique per process, so a restarted server never inherits a dead share.</summary>
    public string ServerId { get; } = Guid.NewGuid().ToString("N");

    private RedisKeys Keys => _connection.Keys;

    public async ValueTask AddAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        await _local.AddAsync(connection, cancellationToken).ConfigureAwait(false);
        MarkDirty(connection.Identity?.OrganizationId);
    }

    public async ValueTask RemoveAsync(TenantConnection connection, CancellationToken cancellationToken)
    {
        await _local.RemoveAsync(connection, cancellationToken).ConfigureAwait(false);
        MarkDirty(connection.Identity?.OrganizationId);
    }

    private void MarkDirty(string? organizationId)
    {
        if (organizationId is not null)
        {
            lock (_gate)
            {
                _dirty.Add(organizationId);
            }
        }

        // The total changes on every call, so there is always something to write.
        _changed.Writer.TryWrite(true);
    }

    public ValueTask DisposeAsync()
    {
        _stopping?.Cancel();
        _stopping?.Dispose();
        _stopping = null;
        return ValueTask.CompletedTask;
    }
}
