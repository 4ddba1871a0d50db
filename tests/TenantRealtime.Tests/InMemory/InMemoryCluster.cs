using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Tests.InMemory;

/// <summary>One server: it both holds the clients and sends the broadcasts.</summary>
public sealed class InMemoryCluster : IRealtimeCluster, IAsyncLifetime
{
    private RealtimeNode? _node;

    public RealtimeNode Receiver => _node ?? throw new InvalidOperationException("The cluster has not started.");

    public RealtimeNode Sender => Receiver;

    public Task WaitForRegistryAsync(RealtimeNode node, Func<IConnectionRegistry, Task<bool>> condition) => node.WaitForRegistryAsync(condition);

    public int HistoryWindow => 100;

    public Task<RealtimeNode> StartNodeAsync(Action<TenantRealtimeOptions> configure, Action<ITenantRealtimeBuilder>? realtime = null) =>
        RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = configure, Realtime = realtime });

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = o => o.HistoryMaxMessages = HistoryWindow,
        Realtime = realtime => realtime.WithAuthenticator<GatedAuthenticator>(),
    });

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
