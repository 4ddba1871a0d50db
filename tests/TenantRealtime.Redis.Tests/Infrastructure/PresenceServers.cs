namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>Two servers with presence on (<see cref="PresenceSettings"/>) on one private <c>redis-server</c>.</summary>
public sealed class PresenceServersOnRedis : TwoServers, IProcessServers
{
    public TimeSpan ServerTimeout => RedisNodes.ServerTimeout;

    public Task<TestHostChild> StartProcessServerAsync() => PresenceProcess.StartAsync(Redis);

    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisServer.StartAsync();

    protected override void Configure(TenantRealtimeOptions options)
    {
        base.Configure(options);
        PresenceSettings.Apply(options);
    }
}

/// <summary>The same on a private 3-master Redis Cluster: presence keys and events must stay on their organization's shard.</summary>
public sealed class PresenceServersOnRedisCluster : TwoServers, IProcessServers
{
    public TimeSpan ServerTimeout => RedisNodes.ServerTimeout;

    public Task<TestHostChild> StartProcessServerAsync() => PresenceProcess.StartAsync(Redis);

    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisClusterServer.StartAsync();

    protected override void Configure(TenantRealtimeOptions options)
    {
        base.Configure(options);
        PresenceSettings.Apply(options);
    }
}

/// <summary>
/// A TenantRealtime.TestHost process of the same application (its channel prefix) on the same Redis, with JWT
/// authentication, presence as <see cref="PresenceSettings"/> has it and the tests' heartbeat: one a test can kill.
/// </summary>
internal static class PresenceProcess
{
    public static Task<TestHostChild> StartAsync(IRedisDeployment redis) =>
        TestHostChild.StartAsync(
            "presence-server",
            "dotnet",
            [
                TestHostChild.HostDll,
                $"--Redis={redis.ConnectionString}",
                "--ChannelPrefix=TenantRealtime.Redis.Tests",
                $"--Jwt:Key={TestJwt.KeyText}",
                $"--Jwt:Issuer={TestJwt.Issuer}",
                $"--Jwt:Audience={TestJwt.Audience}",
                "--StopWhenStdinCloses=true",
                "--TenantRealtime:EnablePresence=true",
                $"--TenantRealtime:PresenceDebounce={PresenceSettings.Debounce}",
                $"--TenantRealtime:MaxPresenceListSize={PresenceSettings.MaxListSize}",
                $"--TenantRealtime:PresenceEventsPerSecond=1000",
                $"--TenantRealtime:PresenceDisplayNameClaimType={PresenceSettings.DisplayNameClaim}",
                $"--TenantRealtimeRedis:HeartbeatInterval={RedisNodes.HeartbeatInterval}",
                $"--TenantRealtimeRedis:ServerTimeout={RedisNodes.ServerTimeout}",
            ],
            redirectInput: true);
}
