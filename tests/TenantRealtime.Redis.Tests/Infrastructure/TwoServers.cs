using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>
/// Two servers of one application on a private Redis the subclass starts: clients connect to <see cref="Receiver"/>,
/// broadcasts and revocations are issued on <see cref="Sender"/>, so every shared suite crosses servers through Redis.
/// </summary>
public abstract class TwoServers : IRealtimeCluster, IAsyncLifetime
{
    private IRedisDeployment? _redis;
    private RealtimeNode? _receiver;
    private RealtimeNode? _sender;

    public RealtimeNode Receiver => _receiver ?? throw new InvalidOperationException("The servers have not started.");

    public RealtimeNode Sender => _sender ?? throw new InvalidOperationException("The servers have not started.");

    /// <summary>Gets the Redis both servers use.</summary>
    public IRedisDeployment Redis => _redis ?? throw new InvalidOperationException("The servers have not started.");

    public int HistoryWindow => RedisNodes.HistoryWindow;

    public Task WaitForRegistryAsync(RealtimeNode node, Func<IConnectionRegistry, Task<bool>> condition) =>
        Eventually.HoldsAsync(() => condition(node.Registry), "the registry reached the expected counts", RealtimeClient.DefaultTimeout);

    public Task<RealtimeNode> StartNodeAsync(Action<TenantRealtimeOptions> configure, Action<ITenantRealtimeBuilder>? realtime = null) =>
        RedisNodes.StartAsync(Redis, realtime: configure, builder: realtime);

    public async Task InitializeAsync()
    {
        _redis = await StartRedisAsync();
        _receiver = await StartNodeAsync(_redis);
        _sender = await StartNodeAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { _sender, _receiver })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>Starts the Redis the two servers share.</summary>
    protected abstract Task<IRedisDeployment> StartRedisAsync();

    /// <summary>The options of the two servers; a setup for one feature (presence) adds its own.</summary>
    protected virtual void Configure(TenantRealtimeOptions options) => options.HistoryMaxMessages = RedisNodes.HistoryWindow;

    // The gated authenticator lets the revocation suite change a role and hold a connection between authenticating and being stored.
    private Task<RealtimeNode> StartNodeAsync(IRedisDeployment redis) =>
        RedisNodes.StartAsync(redis, realtime: Configure, builder: b => b.WithAuthenticator<GatedAuthenticator>());
}
