namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>Two servers of one application on one private <c>redis-server</c>.</summary>
public sealed class TwoServersOnRedis : TwoServers
{
    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisServer.StartAsync();
}
