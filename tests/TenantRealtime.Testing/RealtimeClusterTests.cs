using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Connections.Internal;
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

    /// <summary>Gets the receiver's authenticator: the claims authenticator with the test controls of <see cref="GatedAuthenticator"/>.</summary>
    protected GatedAuthenticator Authenticator => (GatedAuthenticator)Cluster.Receiver.Services.GetRequiredService<IAuthenticator>();

    /// <summary>Starts a connection of <paramref name="user"/> and returns once it is held in its connect-time authentication.</summary>
    protected async Task<(RealtimeClient Client, GatedAuthenticator.Gate Gate)> StartHeldAsync(TestUser user, params string[] events)
    {
        ArgumentNullException.ThrowIfNull(user);
        var gate = Authenticator.Hold(user.OrganizationId, user.UserId);
        var client = Track(RealtimeClient.Create(Cluster.Receiver.HubUrl, user.Token(), HubProtocolKind.Json, user.ToString(), events));

        // SignalR completes the start at the handshake, before the hub's OnConnectedAsync runs the authenticator.
        await client.StartAsync().ConfigureAwait(false);
        await gate.Entered.WaitAsync(RealtimeClient.DefaultTimeout).ConfigureAwait(false);
        return (client, gate);
    }

    /// <summary>
    /// Issues a revocation on the sender and waits until the receiver, which holds the connecting connection, has
    /// carried it out (over Redis a moment later): the request is then certain to predate the connection's storing.
    /// </summary>
    protected async Task RevokeWhileHeldAsync(Func<Task> revoke)
    {
        ArgumentNullException.ThrowIfNull(revoke);
        var store = Cluster.Receiver.Services.GetRequiredService<LocalConnectionStore>();
        var before = store.RevocationGeneration;
        await revoke().ConfigureAwait(false);
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (store.RevocationGeneration == before)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The receiver did not carry out the revocation.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
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
