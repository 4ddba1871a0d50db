namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>
/// Two servers with presence on (<see cref="PresenceSettings"/>) on a private Redis the subclass starts, and as many
/// more as a test asks for as processes of their own, which it may kill.
/// </summary>
public abstract class PresenceServers : TwoServers, IProcessServers
{
    public TimeSpan ServerTimeout => RedisNodes.ServerTimeout;

    public Task<TestHostChild> StartProcessServerAsync() => PresenceProcess.StartAsync(Redis);

    protected override void Configure(TenantRealtimeOptions options)
    {
        base.Configure(options);
        PresenceSettings.Apply(options);
    }
}

/// <summary>Presence on two servers on one private <c>redis-server</c>.</summary>
public sealed class PresenceServersOnRedis : PresenceServers
{
    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisServer.StartAsync();
}

/// <summary>The same on a private 3-master Redis Cluster: presence keys and events must stay on their organization's shard.</summary>
public sealed class PresenceServersOnRedisCluster : PresenceServers
{
    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisClusterServer.StartAsync();
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
