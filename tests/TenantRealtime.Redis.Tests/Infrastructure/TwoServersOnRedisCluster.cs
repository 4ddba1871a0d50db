namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>
/// Two servers of one application on a private 3-master Redis Cluster: keys spread over the masters by hash slot,
/// so a command that spans slots fails (CROSSSLOT) and one sent to the wrong master is redirected (MOVED).
/// </summary>
public sealed class TwoServersOnRedisCluster : TwoServers
{
    protected override async Task<IRedisDeployment> StartRedisAsync() => await RedisClusterServer.StartAsync();
}
