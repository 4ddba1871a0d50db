using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Connections;

/// <summary>
/// <see cref="TenantRealtimeOptions.MaxConnectionsPerUser"/> counts a user's connections on every server, per
/// (organization, user), with the per-tenant cap's refusal; what it keeps in Redis goes with the connections.
/// </summary>
public sealed class UserCapAcrossServersTests : TwoNodesOnOwnRedis
{
    private const string UserAtCap = "limit-exceeded: the user already has the maximum of 2 connections.";

    [Fact]
    public async Task AUserAtTheCapOnOneServerIsRefusedOnAnotherAndAcceptedAgainWhenOneLeaves()
    {
        var alice = TestUser.Member("alice", "org-a", "t1");
        var first = await Clients.ConnectAsync(A, alice);
        await using var second = await Clients.ConnectAsync(A, alice);
        await ElsewhereAsync(B, alice, 2);

        await using var refused = RealtimeClient.Create(B.HubUrl, alice.Token());
        (await refused.StartExpectingRefusalAsync()).Should().Contain(UserAtCap);

        await first.DisposeAsync();
        await ElsewhereAsync(B, alice, 1);
        await using var accepted = await Clients.ConnectAsync(B, alice);
        (await accepted.InvokeAsync("Ping")).Should().ContainKey("timestamp");

        // One on each server now: the first server refuses a third just the same.
        await ElsewhereAsync(A, alice, 1);
        await using var third = RealtimeClient.Create(A.HubUrl, alice.Token());
        (await third.StartExpectingRefusalAsync()).Should().Contain(UserAtCap);
        (await second.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task TheSameUserIdInAnotherOrganizationIsCountedApart()
    {
        var alice = TestUser.Member("alice", "org-a", "t1");
        var otherAlice = TestUser.Member("alice", "org-b", "t1");
        await using var a1 = await Clients.ConnectAsync(A, alice);
        await using var a2 = await Clients.ConnectAsync(A, alice);
        await ElsewhereAsync(B, alice, 2);

        await using var b1 = await Clients.ConnectAsync(B, otherAlice);
        await using var b2 = await Clients.ConnectAsync(B, otherAlice);

        (await b2.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        (await CountsAsync(B, otherAlice)).UserConnectionsElsewhere.Should().Be(0);
    }

    [Fact]
    public async Task AServersShareOfUsersInRedisGoesWithItsConnectionsAndExpires()
    {
        var alice = TestUser.Member("alice", "org-a", "t1");
        var bob = TestUser.Admin("bob", "org-a");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var database = redis.GetDatabase();
        var key = UsersKey(A, "org-a");
        var client = await Clients.ConnectAsync(A, alice);
        await using var admin = await Clients.ConnectAsync(A, bob);

        await Eventually.HoldsAsync(async () => (await database.HashGetAllAsync(key)).Length == 2, "both users are in server A's share");
        (await database.HashGetAsync(key, "alice")).Should().Be(1);
        (await database.HashGetAsync(key, "bob")).Should().Be(1);
        (await database.KeyTimeToLiveAsync(key)).Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(RedisNodes.ServerTimeout);

        // A user who leaves is removed at once, not left as a zero; the hash goes with the last user.
        await client.DisposeAsync();
        await Eventually.HoldsAsync(async () => !await database.HashExistsAsync(key, "alice"), "alice leaves server A's share");
        await admin.DisposeAsync();
        await Eventually.HoldsAsync(async () => !await database.KeyExistsAsync(key), "server A's share of org-a's users is gone");
    }

    [Fact]
    public async Task AServerThatStopsGracefullyRemovesItsShareOfUsersAtOnce()
    {
        var alice = TestUser.Member("alice", "org-a", "t1");
        await using var c = await StartNodeAsync();
        await using var client = await Clients.ConnectAsync(c, alice);
        await ElsewhereAsync(A, alice, 1);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var key = UsersKey(c, "org-a");
        (await redis.GetDatabase().KeyExistsAsync(key)).Should().BeTrue();

        await c.StopAsync();

        (await redis.GetDatabase().KeyExistsAsync(key)).Should().BeFalse();
        (await CountsAsync(A, alice)).UserConnectionsElsewhere.Should().Be(0);
    }

    protected override Task<RealtimeNode> StartNodeAsync() => RedisNodes.StartAsync(Redis, realtime: o => o.MaxConnectionsPerUser = 2);

    private static RedisKey UsersKey(RealtimeNode node, string organizationId) =>
        node.Services.GetRequiredService<SharedRedisConnection>().Keys
            .OrganizationUsers(node.Services.GetRequiredService<RedisConnectionRegistry>().ServerId, organizationId);

    /// <summary>Waits until <paramref name="node"/> reads <paramref name="count"/> connections of the user on the other servers.</summary>
    internal static Task ElsewhereAsync(RealtimeNode node, TestUser user, long count) =>
        Eventually.HoldsAsync(
            async () => (await CountsAsync(node, user)).UserConnectionsElsewhere == count,
            $"the server reads {count} connections of {user} on the other servers");

    internal static ValueTask<CapCounts> CountsAsync(RealtimeNode node, TestUser user) =>
        node.Services.GetRequiredService<IConnectionCapCounts>()
            .CountAsync(new TenantIdentity(user.UserId, user.OrganizationId, user.TenantId, user.Role), CancellationToken.None);
}
