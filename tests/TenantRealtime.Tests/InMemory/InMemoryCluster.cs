namespace TenantRealtime.Tests.InMemory;

/// <summary>One server: it both holds the clients and sends the broadcasts.</summary>
public sealed class InMemoryCluster : IRealtimeCluster, IAsyncLifetime
{
    private RealtimeNode? _node;

    public RealtimeNode Receiver => _node ?? throw new InvalidOperationException("The cluster has not started.");

    public RealtimeNode Sender => Receiver;

    public async Task WaitForRegistryAsync(RealtimeNode node, Func<IConnectionRegistry, Task<bool>> condition)
    {
        // Disconnects are processed after the client's close completes; allow the server a moment to catch up.
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (!await condition(node.Registry))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The registry did not reach the expected counts.");
            }

            await Task.Delay(20);
        }
    }

    public int HistoryWindow => 100;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = o => o.HistoryMaxMessages = HistoryWindow,
    });

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
