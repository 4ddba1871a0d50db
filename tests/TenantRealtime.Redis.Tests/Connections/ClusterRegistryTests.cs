using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Connections;

/// <summary>Counts are cluster-wide, and a server's share disappears when it stops or dies.</summary>
public sealed class ClusterRegistryTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RealtimeNode _a = null!;
    private RealtimeNode _b = null!;
    private readonly List<RealtimeClient> _clients = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _a = await RedisNodes.StartAsync(_redis);
        _b = await RedisNodes.StartAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task CountsAggregateConnectionsOfEveryServer()
    {
        await ConnectAsync(_a, TestUser.Member("alice", "org-a", "t1"));
        await ConnectAsync(_a, TestUser.Admin("ada", "org-a"));
        await ConnectAsync(_b, TestUser.Member("amy", "org-a", "t1"));
        await ConnectAsync(_b, TestUser.Member("arno", "org-a", "t2"));
        await ConnectAsync(_b, TestUser.Member("bob", "org-b", "t1"));

        foreach (var node in new[] { _a, _b })
        {
            await Eventually.HoldsAsync(async () => await node.Registry.CountAsync() == 5, "both servers count all five connections");
            (await node.Registry.CountAsync("org-a")).Should().Be(4);
            (await node.Registry.CountAsync("org-a", "t1")).Should().Be(2);
            (await node.Registry.CountAsync("org-b", "t1")).Should().Be(1);
            (await node.Registry.GetSnapshotAsync("org-a")).Should().BeEquivalentTo(new ConnectionSnapshot(4,
                [new OrganizationConnections("org-a", 4, [new TenantConnections("t1", 2), new TenantConnections("t2", 1)])]));
            var all = await node.Registry.GetSnapshotAsync();
            all.Connections.Should().Be(5);
            all.Organizations.Select(o => (o.OrganizationId, o.Connections)).Should().Equal(("org-a", 4L), ("org-b", 1L));
        }
    }

    [Fact]
    public async Task AServerThatStopsGracefullyStopsCountingAtOnce()
    {
        await using var c = await RedisNodes.StartAsync(_redis);
        await ConnectAsync(_a, TestUser.Member("alice", "org-a", "t1"));
        await ConnectAsync(c, TestUser.Member("amy", "org-a", "t1"));
        await ConnectAsync(c, TestUser.Member("arno", "org-a", "t2"));
        await Eventually.HoldsAsync(async () => await _a.Registry.CountAsync("org-a") == 3, "server A sees C's connections");

        await c.StopAsync();

        // No waiting: the stop removed C's share before it returned.
        (await _a.Registry.CountAsync("org-a")).Should().Be(1);
        (await _a.Registry.CountAsync("org-a", "t2")).Should().Be(0);
        (await _a.Registry.GetSnapshotAsync()).Connections.Should().Be(1);
    }

    [Fact]
    public async Task AServerThatDiesStopsCountingWithinTheServerTimeout()
    {
        // A registry that is started and then abandoned, as a crashed process leaves it: its keys and its entry in
        // the live-server set stay in Redis, and only the missing heartbeat can tell the others.
        await ConnectAsync(_a, TestUser.Member("alice", "org-a", "t1"));
        var dead = CreateStandaloneRegistry();
        dead.Registry.Start();
        await AddAsync(dead, new TenantConnection("ghost-1", new TenantIdentity("gus", "org-a", "t1", TenantRoles.Member)));
        await AddAsync(dead, new TenantConnection("ghost-2", new TenantIdentity("gil", "org-a", "t9", TenantRoles.Member)));
        await Eventually.HoldsAsync(async () => await _a.Registry.CountAsync("org-a") == 3, "server A counts the soon-dead server's connections");

        await dead.Registry.DisposeAsync(); // stops the heartbeat without removing anything

        await Eventually.HoldsAsync(
            async () => await _a.Registry.CountAsync("org-a") == 1,
            "the dead server's connections stop counting",
            RedisNodes.ServerTimeout + TimeSpan.FromSeconds(5));
        (await _a.Registry.CountAsync("org-a", "t9")).Should().Be(0);
        (await _a.Registry.GetSnapshotAsync("org-a")).Organizations.Single().Tenants.Should().Equal(new TenantConnections("t1", 1));
        await dead.Provider.DisposeAsync();
    }

    [Fact]
    public async Task ReadsOfMalformedIdsNeverReachRedisKeys()
    {
        await ConnectAsync(_b, TestUser.Member("alice", "org-a", "t1"));
        await Eventually.HoldsAsync(async () => await _a.Registry.CountAsync("org-a") == 1, "server A sees B's connection");

        // "org-a:t1" would splice into another key if it were not rejected.
        (await _a.Registry.CountAsync("org-a", "t1:x")).Should().Be(0);
        (await _a.Registry.CountAsync("org-a:x")).Should().Be(0);
        (await _a.Registry.GetSnapshotAsync("org-a:org:org-a")).Organizations.Should().BeEmpty();
    }

    [Fact]
    public async Task DataInRedisThatThisPackageDidNotWriteIsIgnored()
    {
        await ConnectAsync(_b, TestUser.Member("alice", "org-a", "t1"));
        await Eventually.HoldsAsync(async () => await _a.Registry.CountAsync("org-a") == 1, "server A sees B's connection");
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var database = redis.GetDatabase();
        var prefix = "TenantRealtime.Redis.Tests:tenantrealtime:";
        var forged = Guid.NewGuid().ToString("N");
        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        await database.SortedSetAddAsync(prefix + "servers", [new("not-a-server", future), new(forged, future)]);
        await database.HashSetAsync(prefix + "server:not-a-server", [new("*", 1000), new("org-a", 1000)]);
        await database.HashSetAsync(prefix + "server:" + forged, [new("*", "many"), new("org-a", -5), new("org:a", 7), new("org-b", "1e9")]);
        await database.HashSetAsync(prefix + "server:" + forged + ":org:org-a", [new("*", "x"), new("t1", "-3"), new("bad tenant", 4)]);

        (await _a.Registry.CountAsync()).Should().Be(1);
        (await _a.Registry.CountAsync("org-a")).Should().Be(1);
        (await _a.Registry.CountAsync("org-a", "t1")).Should().Be(1);
        (await _a.Registry.CountAsync("org-b")).Should().Be(0);
        (await _a.Registry.GetSnapshotAsync()).Should().BeEquivalentTo(new ConnectionSnapshot(1,
            [new OrganizationConnections("org-a", 1, [new TenantConnections("t1", 1)])]));
    }

    private async Task ConnectAsync(RealtimeNode node, TestUser user) => _clients.Add(await Clients.ConnectAsync(node, user));

    /// <summary>As the connection lifecycle does: this server's index counts the connection, then the registry hears of it.</summary>
    private static ValueTask AddAsync((RedisConnectionRegistry Registry, ServiceProvider Provider) server, TenantConnection connection)
    {
        var store = server.Provider.GetRequiredService<LocalConnectionStore>();
        store.TryAdd(new ConnectionState(new FakeCallerContext(connection.ConnectionId), connection.Identity), int.MaxValue, store.RevocationGeneration);
        return server.Registry.AddAsync(connection, default);
    }

    private (RedisConnectionRegistry Registry, ServiceProvider Provider) CreateStandaloneRegistry()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<RedisMetrics>();
        services.AddSingleton(Options.Create(new TenantRealtimeRedisOptions
        {
            Configuration = StackExchange.Redis.ConfigurationOptions.Parse(_redis.ConnectionString),
            ChannelPrefix = "TenantRealtime.Redis.Tests",
            HeartbeatInterval = RedisNodes.HeartbeatInterval,
            ServerTimeout = RedisNodes.ServerTimeout,
        }));
        services.AddSingleton<LocalConnectionStore>();
        services.AddSingleton<SharedRedisConnection>();
        services.AddSingleton<RedisCallPolicy>();
        services.AddSingleton<RedisConnectionRegistry>();
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<RedisConnectionRegistry>(), provider);
    }
}
