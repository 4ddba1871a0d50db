using Xunit;

namespace TenantRealtime.Testing;

/// <summary>Base of every shared suite: the cluster fixture, client bookkeeping and disposal.</summary>
public abstract class RealtimeClusterTests<TCluster>(TCluster cluster) : IClassFixture<TCluster>, IAsyncLifetime
    where TCluster : class, IRealtimeCluster
{
    // Tests connect many clients at once (Task.WhenAll): a List would lose entries or hold nulls.
    private readonly System.Collections.Concurrent.ConcurrentQueue<RealtimeClient> _clients = new();

    protected TCluster Cluster { get; } = cluster;

    /// <summary>A per-test prefix so tests sharing one cluster never see each other's organizations.</summary>
    protected string Run { get; } = "r" + Guid.NewGuid().ToString("N")[..8];

    protected string Org(string name) => $"{Run}-{name}";

    protected async Task<RealtimeClient> ConnectAsync(TestUser user, HubProtocolKind protocol = HubProtocolKind.Json, params string[] events)
    {
        var client = await RealtimeClient.ConnectAsync(Cluster.Receiver.HubUrl, user, protocol, events).ConfigureAwait(false);
        _clients.Enqueue(client);
        return client;
    }

    protected RealtimeClient Track(RealtimeClient client)
    {
        _clients.Enqueue(client);
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
