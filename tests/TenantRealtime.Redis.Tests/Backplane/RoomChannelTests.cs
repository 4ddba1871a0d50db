using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Delivery;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>
/// Broadcasts between servers on the organizations' channels: in seq order from any number of servers, each once (the
/// origin skips its echo), and a server listens only to the organizations its connections are in. Run on one Redis
/// and on a 3-master Redis Cluster (sharded pub/sub).
/// </summary>
public abstract class RoomChannelTests : IAsyncLifetime
{
    private const string Event = "ordered";
    private const int PerServer = 30;

    private IRedisDeployment _redis = null!;
    private RealtimeNode[] _nodes = [];

    protected abstract Task<IRedisDeployment> StartRedisAsync();

    public async Task InitializeAsync()
    {
        _redis = await StartRedisAsync();
        _nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RedisNodes.StartAsync(_redis)));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task BroadcastsFromThreeServersIntoOneRoomArriveAtEveryClientInSeqOrderOnce()
    {
        var organization = "o" + Guid.NewGuid().ToString("N")[..8];
        var clients = new List<RealtimeClient>();
        foreach (var node in _nodes)
        {
            // A member and an admin on each server: the tenant's group and the organization admins' group.
            clients.Add(await Clients.ConnectAsync(node, TestUser.Member("m", organization, "t1"), Event));
            clients.Add(await Clients.ConnectAsync(node, TestUser.Admin("a", organization), Event));
        }

        try
        {
            var receipts = await Task.WhenAll(_nodes.SelectMany((node, n) => Enumerable.Range(0, PerServer).Select(i =>
                Task.Run(() => node.Broadcaster.BroadcastToTenantAsync(organization, "t1", Event, "updated", $"{n}-{i}")))));

            var total = _nodes.Length * PerServer;
            var expected = Enumerable.Range(1, total).Select(i => (long)i).ToList();
            receipts.Select(r => r.Seq!.Value).Order().Should().Equal(expected, "the servers share one counter per room");
            foreach (var client in clients)
            {
                await Eventually.HoldsAsync(() => client.Markers(Event).Count >= total, $"{client.Name} receives every broadcast");
                var arrived = client.Received.Where(m => m.EventName == Event).Select(m => (long)m["seq"]!).ToList();
                arrived.Should().Equal(expected, "in arrival order: no gap, no duplicate, no reordering left to the client");
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AServerListensToTheOrganizationsOfItsConnectionsOnlyAndLeavesThemWhenIdle()
    {
        var node = _nodes[1];
        var subscriptions = node.Services.GetRequiredService<RoomSubscriptions>();
        var before = subscriptions.ChannelCount;
        var first = "o" + Guid.NewGuid().ToString("N")[..8];
        var second = "o" + Guid.NewGuid().ToString("N")[..8];
        var clients = new List<RealtimeClient>();
        for (var i = 0; i < 10; i++)
        {
            clients.Add(await Clients.ConnectAsync(node, TestUser.Member($"u{i}", i % 2 == 0 ? first : second, $"t{i}"), Event));
        }

        subscriptions.ChannelCount.Should().Be(before + 2, "one channel per organization, none per connection, group or user");

        // A user broadcast travels on the organization's channel and reaches only that user's connections.
        await _nodes[0].Broadcaster.BroadcastToUserAsync(first, "u0", Event, "updated", "to-u0");
        (await clients[0].WaitForAsync(Event))["data"].Should().Be("to-u0");

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await Eventually.HoldsAsync(() => node.Services.GetRequiredService<Delivery.ILocalDelivery>().GroupCount == 0, "the groups emptied");
        subscriptions.Sweep();
        subscriptions.Sweep();
        subscriptions.ChannelCount.Should().Be(before, "channels no connection here needs are left after two idle sweeps");
        clients.Skip(1).Should().AllSatisfy(c => c.Markers(Event).Should().BeEmpty("a user broadcast is for that user only"));
    }

    [Fact]
    public async Task TheScriptPublishesOnTheChannelItsSubscribersListenTo()
    {
        var node = _nodes[0];
        var keys = node.Services.GetRequiredService<SharedRedisConnection>().Keys;
        var organizationChannel = RedisKeys.OrganizationChannelOf("tenant:acme:t1");
        organizationChannel.Should().Be(RedisKeys.OrganizationChannelOf("org-admins:acme")).And.Be(RedisKeys.OrganizationChannelOf("user:acme:u1")).And.Be("o:acme");

        // The subscriber adds the prefix itself; the script is given the full name: the two must be the same bytes.
        var subscribed = PrefixedSubscriber.Prefixed(keys.ChannelPrefix, RedisKeys.BroadcastChannel(organizationChannel, sharded: true).ToString());
        subscribed.Should().Be(keys.BroadcastChannelName(organizationChannel));
        RedisKeys.BroadcastChannel(organizationChannel, sharded: true).IsSharded.Should().BeTrue();

        // The room's history keys and its channel share a hash slot, so one script can touch both on a cluster.
        var slot = HashSlot(keys.BroadcastChannelName(organizationChannel));
        HashSlot(keys.HistoryMeta("tenant:acme:t1").ToString()).Should().Be(slot);
        HashSlot(keys.HistoryStream("org:acme").ToString()).Should().Be(slot);
    }

    private static int HashSlot(string key)
    {
        var start = key.IndexOf('{', StringComparison.Ordinal);
        var end = start < 0 ? -1 : key.IndexOf('}', start + 1);
        return ClusterHash(end > start + 1 ? key[(start + 1)..end] : key);
    }

    private static int ClusterHash(string tag)
    {
        // CRC16/XMODEM mod 16384, as Redis Cluster computes key slots.
        ushort crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(tag))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }
}

public sealed class RoomChannelOnOneRedisTests : RoomChannelTests
{
    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisServer.StartAsync();
}

public sealed class RoomChannelOnRedisClusterTests : RoomChannelTests
{
    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisClusterServer.StartAsync();
}
