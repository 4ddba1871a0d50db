using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using TenantRealtime.Redis.Configuration;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.RedisConnection;

/// <summary>Two applications on one Redis never see each other's broadcasts or counts.</summary>
public sealed class ChannelPrefixTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task TwoApplicationsOnOneRedisDoNotReceiveEachOthersBroadcasts()
    {
        await using var billing = await RedisNodes.StartAsync(_redis, applicationName: "Billing");
        await using var billingSender = await RedisNodes.StartAsync(_redis, applicationName: "Billing");
        await using var status = await RedisNodes.StartAsync(_redis, applicationName: "StatusPage");
        // The same organization, tenant and user ids in both apps: only the prefix separates them.
        var user = TestUser.Member("alice", "org-a", "t1");
        await using var billingClient = await Clients.ConnectAsync(billing, user, "news");
        await using var statusClient = await Clients.ConnectAsync(status, user, "news");

        await billingSender.Broadcaster.BroadcastToAllAsync("news", "created", "billing-all");
        await billingSender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "billing-org");
        await billingSender.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "billing-tenant");
        await billingSender.Broadcaster.BroadcastToUserAsync("org-a", "alice", "news", "created", "billing-user");
        await billingClient.WaitForAsync("news", m => m.String("data") == "billing-user");
        await billingClient.WaitForAsync("news", m => m.String("data") == "billing-all");
        await Sentinel.FlushAsync(status.Broadcaster, [statusClient]);

        statusClient.Markers("news").Should().BeEmpty();
        await Eventually.HoldsAsync(async () => await billing.Registry.CountAsync("org-a") == 1, "Billing counts its own connection");
        (await status.Registry.CountAsync("org-a")).Should().Be(1, "StatusPage counts only its own connection");
    }

    [Fact]
    public async Task EveryChannelAndKeyStartsWithThePrefix()
    {
        await using var node = await RedisNodes.StartAsync(_redis, configure: o => o.ChannelPrefix = "acme-status");
        await using var sender = await RedisNodes.StartAsync(_redis, configure: o => o.ChannelPrefix = "acme-status");
        await using var client = await Clients.ConnectAsync(node, TestUser.Member("alice", "org-a", "t1"), "news");
        await using var observer = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await observer.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("*"), (channel, _) => seen.Enqueue(channel.ToString()));

        await sender.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "hello");
        await client.WaitForAsync("news");
        await Eventually.HoldsAsync(() => seen.Any(c => c.Contains("tenantrealtime:broadcasts:{o:org-a}", StringComparison.Ordinal)), "the observer sees the organization's broadcast channel");

        seen.Should().OnlyContain(c => c.StartsWith("acme-status:", StringComparison.Ordinal));
        var keys = observer.GetServer(observer.GetEndPoints().Single()).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        keys.Should().NotBeEmpty().And.OnlyContain(k => k.StartsWith("acme-status:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SampleHost", "SampleHost")]
    [InlineData("My Status Page", "My-Status-Page")]
    [InlineData("billing:v2/*", "billing-v2--")]
    public void TheDefaultPrefixIsTheApplicationName(string applicationName, string prefix)
    {
        var options = new TenantRealtimeRedisOptions();
        new DefaultChannelPrefix(new Environment(applicationName)).PostConfigure(null, options);
        options.ChannelPrefix.Should().Be(prefix);
    }

    [Fact]
    public void AnExplicitPrefixWins()
    {
        var options = new TenantRealtimeRedisOptions { ChannelPrefix = "mine" };
        new DefaultChannelPrefix(new Environment("SampleHost")).PostConfigure(null, options);
        options.ChannelPrefix.Should().Be("mine");
    }

    private sealed class Environment(string applicationName) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;

        public string ApplicationName { get; set; } = applicationName;

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
