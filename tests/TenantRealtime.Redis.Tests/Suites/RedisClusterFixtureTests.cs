using StackExchange.Redis;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Suites;

/// <summary>
/// The cluster suites prove something only if their Redis really is a cluster: several masters that split the
/// slots, so keys of different hash tags live on different nodes.
/// </summary>
public sealed class RedisClusterFixtureTests(TwoServersOnRedisCluster servers) : IClassFixture<TwoServersOnRedisCluster>
{
    [Fact]
    public async Task Three_masters_serve_every_slot_and_spread_hash_tags_over_nodes()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);

        var masters = redis.GetServers();
        masters.Should().HaveCount(RedisClusterServer.Masters);
        masters.Should().OnlyContain(server => server.ServerType == ServerType.Cluster && !server.IsReplica);

        var configuration = masters[0].ClusterConfiguration!;
        var owners = configuration.Nodes.Where(node => !node.IsReplica).ToArray();
        owners.Should().HaveCount(RedisClusterServer.Masters);
        owners.Should().OnlyContain(node => node.Slots.Count > 0, "every master serves some slots");
        owners.Sum(node => node.Slots.Sum(range => range.To - range.From + 1)).Should().Be(RedisClusterServer.HashSlots);

        // Two hash tags whose slots belong to different masters; the key names are unique to this run.
        var run = Guid.NewGuid().ToString("N");
        var first = (RedisKey)$"{{{run}-0}}:probe";
        var firstOwner = configuration.GetBySlot(first)!.EndPoint;
        var second = Enumerable.Range(1, 100)
            .Select(i => (RedisKey)$"{{{run}-{i}}}:probe")
            .First(key => !Equals(configuration.GetBySlot(key)!.EndPoint, firstOwner));
        var database = redis.GetDatabase();
        await database.StringSetAsync(first, "a");
        await database.StringSetAsync(second, "b");

        // Each master lists only the keys it holds: every probe is on exactly one master, and not the same one.
        var holders = new Dictionary<string, List<System.Net.EndPoint>>(StringComparer.Ordinal);
        foreach (var server in masters)
        {
            await foreach (var key in server.KeysAsync(pattern: $"{{{run}-*"))
            {
                holders.TryAdd(key.ToString(), []);
                holders[key.ToString()].Add(server.EndPoint);
            }
        }

        holders.Keys.Should().BeEquivalentTo([first.ToString(), second.ToString()]);
        holders[first.ToString()].Should().ContainSingle();
        holders[second.ToString()].Should().ContainSingle();
        holders[first.ToString()].Single().Should().NotBe(holders[second.ToString()].Single());
    }
}
