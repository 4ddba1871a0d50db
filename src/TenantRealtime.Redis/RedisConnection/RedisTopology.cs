using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// Whether the Redis behind the shared connection is a Redis Cluster, learned from the first server it reaches and
/// then kept. The broadcast channels depend on it: sharded pub/sub (SPUBLISH, SSUBSCRIBE) on a cluster, so a
/// broadcast stays on the shard that owns its room; classic pub/sub on a single Redis.
/// </summary>
internal sealed class RedisTopology(SharedRedisConnection connection)
{
    private const int Unknown = 0, Standalone = 1, Cluster = 2;

    private int _kind;

    /// <summary>
    /// Whether Redis is a cluster. Throws <see cref="RedisConnectionException"/> while no server has been reached:
    /// publishing or subscribing with a guess could pair an SPUBLISH with a SUBSCRIBE, which never hear each other.
    /// </summary>
    public async ValueTask<bool> IsClusterAsync()
    {
        if (Volatile.Read(ref _kind) is var kind and not Unknown)
        {
            return kind == Cluster;
        }

        var multiplexer = await connection.GetAsync().ConfigureAwait(false);
        foreach (var endPoint in multiplexer.GetEndPoints())
        {
            var server = multiplexer.GetServer(endPoint);
            if (server.IsConnected)
            {
                kind = server.ServerType == ServerType.Cluster ? Cluster : Standalone;
                Volatile.Write(ref _kind, kind);
                return kind == Cluster;
            }
        }

        throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis server has been reached yet, so whether it is a cluster is not known.");
    }
}
