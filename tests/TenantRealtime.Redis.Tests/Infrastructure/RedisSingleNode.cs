namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>
/// One server with <c>AddRedis</c>: it holds the clients and sends the broadcasts, so the suites run against its
/// local delivery (the part SignalR's backplane used to do for it) with Redis in the loop.
/// </summary>
public sealed class RedisSingleNode : IRealtimeCluster, IAsyncLifetime
{
    private RedisServer? _redis;
    private RealtimeNode? _node;

    public RealtimeNode Receiver => _node ?? throw new InvalidOperationException("The node has not started.");

    public RealtimeNode Sender => Receiver;

    public int HistoryWindow => RedisNodes.HistoryWindow;

    public Task WaitForRegistryAsync(RealtimeNode node, Func<IConnectionRegistry, Task<bool>> condition) =>
        Eventually.HoldsAsync(() => condition(node.Registry), "the registry reached the expected counts", RealtimeClient.DefaultTimeout);

    public Task<RealtimeNode> StartNodeAsync(Action<TenantRealtimeOptions> configure, Action<ITenantRealtimeBuilder>? realtime = null) =>
        RedisNodes.StartAsync(_redis ?? throw new InvalidOperationException("The node has not started."), realtime: configure, builder: realtime);

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _node = await RedisNodes.StartAsync(_redis, realtime: o => o.HistoryMaxMessages = RedisNodes.HistoryWindow);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
