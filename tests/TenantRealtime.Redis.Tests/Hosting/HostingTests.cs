using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Redis.Hosting.Internal;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Hosting;

/// <summary>Start-up checks and a deliberate shutdown order around the one shared multiplexer.</summary>
public sealed class HostingTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task StoppingAndDisposingAHostThatOwnsItsMultiplexerDoesNotThrow()
    {
        var node = await RedisNodes.StartAsync(_redis);
        var client = await Clients.ConnectAsync(node, TestUser.Member("alice", "org-a", "t1"), "news");
        await node.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "hello");
        await client.WaitForAsync("news");

        var stop = async () =>
        {
            await node.StopAsync();
            await node.DisposeAsync();
        };

        await stop.Should().NotThrowAsync();
        await client.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        await client.DisposeAsync();
        node.Logs.GetSnapshot().Should().NotContain(r => r.Level >= LogLevel.Error, "shutdown must not fail anywhere");
    }

    [Fact]
    public async Task AnAppOwnedMultiplexerIsSharedAndOutlivesTheHost()
    {
        await using var appMultiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            ApplicationName = "Owned",
            Realtime = realtime => realtime.AddRedis(_ => appMultiplexer, o => o.HeartbeatInterval = TimeSpan.FromSeconds(1)),
        });
        await using (var client = await Clients.ConnectAsync(node, TestUser.Member("alice", "org-a", "t1"), "news"))
        {
            await node.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "hello");
            await client.WaitForAsync("news");
            (await node.Registry.CountAsync("org-a")).Should().Be(1);
        }

        await node.DisposeAsync();

        appMultiplexer.IsConnected.Should().BeTrue("the app owns the multiplexer it passed in");
        await appMultiplexer.GetDatabase().PingAsync();
    }

    [Fact]
    public async Task AddRedisWithoutAnEndpointFailsAtStartNamingTheFix()
    {
        var start = () => RealtimeNode.StartAsync(new RealtimeNodeOptions { Realtime = realtime => realtime.AddRedis(_ => { }) });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("AddRedis(\"host:6379\")");
    }

    [Theory]
    [InlineData(5000, 6000, "ServerTimeout")]
    [InlineData(0, 15000, "HeartbeatInterval")]
    public async Task InconsistentTimingsFailAtStart(int heartbeatMs, int timeoutMs, string property)
    {
        var start = () => RedisNodes.StartAsync(_redis, configure: o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs);
            o.ServerTimeout = TimeSpan.FromMilliseconds(timeoutMs);
        });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(property);
    }

    [Fact]
    public void AddingRedisTwiceRegistersItOnce()
    {
        var services = new ServiceCollection();
        var realtime = services.AddTenantRealtime();

        realtime.AddRedis(_redis.ConnectionString).AddRedis(_redis.ConnectionString, o => o.ChannelPrefix = "second");

        services.Count(d => d.ImplementationType == typeof(RedisHostedService)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(Microsoft.AspNetCore.SignalR.HubLifetimeManager<>)).Should().Be(1);
        services.Should().ContainSingle(d => d.ServiceType == typeof(IConnectionRegistry));
        services.Should().ContainSingle(d => d.ServiceType == typeof(ITenantConnectionManager));
    }
}
