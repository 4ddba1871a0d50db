using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>
/// Two servers of one application on one private Redis: clients connect to <see cref="Receiver"/>, broadcasts and
/// revocations are issued on <see cref="Sender"/>, so every shared suite crosses servers through Redis.
/// </summary>
public sealed class RedisCluster : IRealtimeCluster, IAsyncLifetime
{
    /// <summary>A small history window, so the recovery suite can overflow it with a few broadcasts.</summary>
    public const int Window = 20;

    private RedisServer? _redis;
    private RealtimeNode? _receiver;
    private RealtimeNode? _sender;

    public RealtimeNode Receiver => _receiver ?? throw new InvalidOperationException("The cluster has not started.");

    public RealtimeNode Sender => _sender ?? throw new InvalidOperationException("The cluster has not started.");

    public int HistoryWindow => Window;

    public Task WaitForRegistryAsync(RealtimeNode node, Func<IConnectionRegistry, Task<bool>> condition) =>
        Eventually.HoldsAsync(() => condition(node.Registry), "the registry reached the expected counts", RealtimeClient.DefaultTimeout);

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _receiver = await RedisNodes.StartAsync(_redis, realtime: o => o.HistoryMaxMessages = Window, builder: b => b.WithAuthenticator<GatedAuthenticator>());
        _sender = await RedisNodes.StartAsync(_redis, realtime: o => o.HistoryMaxMessages = Window, builder: b => b.WithAuthenticator<GatedAuthenticator>());
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
}
