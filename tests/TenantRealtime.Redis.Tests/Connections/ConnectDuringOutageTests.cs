using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Connections;

/// <summary>
/// New connections while Redis is unreachable are fail-open: they never wait on Redis (at most about a second for
/// a Redis that hangs), their caps count this server's connections and the other servers' shares as last read, and
/// their rooms work on their own server.
/// </summary>
public sealed class ConnectDuringOutageTests : TwoNodesOnOwnRedis
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ANewConnectionDuringAnOutageConnectsAtOnceAndGetsItsOwnServersBroadcasts()
    {
        using var checkedLocally = CheckedLocally(A);
        await StopRedisAsync();

        // Clients.ConnectAsync returns after a Ping, which the hub answers only once the connect step is done.
        await using var client = await Clients.ConnectAsync(A, TestUser.Member("carl", "org-c", "t1"), "news").WaitAsync(ConnectBound);
        await A.Broadcaster.BroadcastToOrganizationAsync("org-c", "news", "created", "org-during").WaitAsync(ConnectBound);
        await A.Broadcaster.BroadcastToTenantAsync("org-c", "t1", "news", "created", "tenant-during").WaitAsync(ConnectBound);

        checkedLocally.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["reason"].Should().Be("disconnected");
        A.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Name == "CapsCheckedLocally");

        // The connection is in its rooms: what its server broadcast reaches it (at the latest when Redis is back
        // and the outbox is sent).
        await Redis.RestartAsync();
        await client.WaitForAsync("news", m => m.String("data") == "org-during", TimeSpan.FromSeconds(30));
        await client.WaitForAsync("news", m => m.String("data") == "tenant-during", TimeSpan.FromSeconds(30));

        // Redis back: the next connect reads every server's counts again, and says so.
        var dora = TestUser.Member("dora", "org-c", "t1");
        await Eventually.HoldsAsync(() => Shared(A).IsConnected, "server A reconnects", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(
            async () => (await UserCapAcrossServersTests.CountsAsync(A, dora)).TenantConnections == 1 && !Failing(A),
            "server A reads the caps in Redis again");
        A.Logs.GetSnapshot().Should().Contain(r => r.Id.Name == "CapsCheckedInRedisAgain");
    }

    [Fact]
    public async Task DuringAnOutageTheCapsCountThisServersConnectionsAndTheSharesItReadLast()
    {
        // Before the outage: on server B, bob has 1 connection and tenant org-a/t1 has 2; gus has the maximum of 2.
        // Server A reads bob's (and so t1's) share; it never reads gus's.
        var bob = TestUser.Member("bob", "org-a", "t1");
        var gus = TestUser.Member("gus", "org-g", "t1");
        await using var bobOnB = await Clients.ConnectAsync(B, bob);
        await using var doraOnB = await Clients.ConnectAsync(B, TestUser.Member("dora", "org-a", "t1"));
        await using var gusOnB1 = await Clients.ConnectAsync(B, gus);
        await using var gusOnB2 = await Clients.ConnectAsync(B, gus);
        await Eventually.HoldsAsync(
            async () => await UserCapAcrossServersTests.CountsAsync(A, bob) is { TenantConnections: 2, UserConnectionsElsewhere: 1 },
            "server A reads bob's and t1's shares on server B");

        await StopRedisAsync();

        // bob: 1 remembered on B + 0 here is under the cap of 2; then 1 + 1 is at it.
        await using var bobOnA = await Clients.ConnectAsync(A, bob).WaitAsync(ConnectBound);
        (await RefusalAsync(A, bob)).Should().Contain("limit-exceeded: the user already has the maximum of 2 connections.");

        // t1: 2 remembered on B + bob here = 3 under the cap of 4; one more reaches it.
        await using var erinOnA = await Clients.ConnectAsync(A, TestUser.Member("erin", "org-a", "t1")).WaitAsync(ConnectBound);
        (await RefusalAsync(A, TestUser.Member("fred", "org-a", "t1"))).Should().Contain("limit-exceeded: the tenant already has the maximum of 4 connections.");

        // gus: nothing remembered, so only this server's connections count (fail-open): 2 more here, then refused.
        await using var gusOnA1 = await Clients.ConnectAsync(A, gus).WaitAsync(ConnectBound);
        await using var gusOnA2 = await Clients.ConnectAsync(A, gus).WaitAsync(ConnectBound);
        (await RefusalAsync(A, gus)).Should().Contain("limit-exceeded: the user already has the maximum of 2 connections.");
    }

    [Fact]
    public async Task ARedisThatHangsHoldsANewConnectionsCapsCheckForAboutASecondAtMost()
    {
        // A server whose rooms do not wait for their channel's subscription (BroadcastTimeout 0, its own bounded
        // wait at join), so that what a connect waits for here is the caps check alone.
        await using var c = await StartNodeAsync(o => o.RedisWaitTimeout = TimeSpan.Zero);
        using var checkedLocally = CheckedLocally(c);
        var harry = TestUser.Member("harry", "org-h", "t1");
        await using var harryOnB = await Clients.ConnectAsync(B, harry);
        await UserCapAcrossServersTests.ElsewhereAsync(c, harry, 1);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);

        // Redis stops answering for 8 s while every connection stays up: the multiplexer cannot tell, so only the
        // bounded read (1 s) keeps the connect from waiting for Redis; harry's share on B is the one read last.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "8000", "ALL");
        await using var harryOnC = RealtimeClient.Create(c.HubUrl, harry.Token());
        await StartAndPingAsync(harryOnC).WaitAsync(TimeSpan.FromSeconds(3));

        // The read timed out once; the next connect does not wait for Redis at all.
        (await RefusalAsync(c, harry)).Should().Contain("limit-exceeded: the user already has the maximum of 2 connections.");
        checkedLocally.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => (string?)m.Tags["reason"] == "timeout");
        c.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Name == "CapsCheckedLocally");
    }

    [Fact]
    public async Task AuthenticateDuringAnOutageAnswersAtOnceWithoutPositionsAndWithThemWhenRedisIsBack()
    {
        var user = TestUser.Member("ivy", "org-i", "t1");
        await using var client = await Clients.ConnectAsync(A, user);
        await StopRedisAsync();

        var during = await client.InvokeAsync("Authenticate", new { }).WaitAsync(ConnectBound);

        ((IEnumerable<object?>)during["rooms"]!).Should().HaveCount(3, "the rooms are this server's to tell");
        ((IEnumerable<object?>)during["positions"]!).Should().BeEmpty("no position can be read; like Resume, Authenticate does not wait for Redis");
        A.Logs.GetSnapshot().Should().NotContain(r => r.Id.Name == "PositionReadFailed", "Redis known to be down is not even asked");

        await Redis.RestartAsync();
        await Eventually.HoldsAsync(() => Shared(A).IsConnected, "server A reconnects", TimeSpan.FromSeconds(30));
        var after = await client.InvokeAsync("Authenticate", new { });
        ((IEnumerable<object?>)after["positions"]!).Should().HaveCount(3);
    }

    [Fact]
    public async Task ARedisThatHangsHoldsAuthenticateForAboutTheBroadcastTimeoutAtMost()
    {
        var user = TestUser.Member("jay", "org-j", "t1");
        await using var client = await Clients.ConnectAsync(A, user);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);

        // Every connection stays up, so only the bounded read (BroadcastTimeout, 1 s) keeps Authenticate from
        // waiting the 20 s StackExchange.Redis would; each room is read at once, so it waits once, not per room.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "6000", "ALL");
        var answer = await client.InvokeAsync("Authenticate", new { }).WaitAsync(TimeSpan.FromSeconds(3));

        ((IEnumerable<object?>)answer["positions"]!).Should().BeEmpty();
        A.Logs.GetSnapshot().Where(r => r.Id.Name == "PositionReadFailed").Should().HaveCount(3, "each room left out is logged");
    }

    protected override Task<RealtimeNode> StartNodeAsync() => StartNodeAsync(configure: null);

    private Task<RealtimeNode> StartNodeAsync(Action<TenantRealtimeRedisOptions>? configure) => RedisNodes.StartAsync(
        Redis,
        configure: configure,
        extraConfiguration: RedisNodes.SlowTimeouts,
        realtime: o =>
        {
            o.MaxConnectionsPerUser = 2;
            o.MaxConnectionsPerTenant = 4;
        });

    /// <summary>Stops Redis and waits until server A knows (a crash is noticed when its socket closes).</summary>
    private async Task StopRedisAsync()
    {
        await Redis.StopAsync();
        await Eventually.HoldsAsync(() => !Shared(A).IsConnected, "server A notices that Redis is down");
    }

    /// <summary>Starts and pings: the hub answers a call only once the connect step is done.</summary>
    private static async Task StartAndPingAsync(RealtimeClient client)
    {
        await client.StartAsync();
        await client.InvokeAsync("Ping");
    }

    private static async Task<string> RefusalAsync(RealtimeNode node, TestUser user)
    {
        await using var client = RealtimeClient.Create(node.HubUrl, user.Token());
        return await client.StartExpectingRefusalAsync();
    }

    private static SharedRedisConnection Shared(RealtimeNode node) => node.Services.GetRequiredService<SharedRedisConnection>();

    private static bool Failing(RealtimeNode node) =>
        node.Logs.GetSnapshot().LastOrDefault(r => r.Id.Name is "CapsCheckedLocally" or "CapsCheckedInRedisAgain")?.Id.Name == "CapsCheckedLocally";

    private static MetricCollector<long> CheckedLocally(RealtimeNode node) =>
        new(node.Services.GetRequiredService<IMeterFactory>(), RedisMetrics.MeterName, "tenantrealtime.redis.connects.checked_locally");
}
