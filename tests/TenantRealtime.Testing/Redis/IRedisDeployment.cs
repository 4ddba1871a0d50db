namespace TenantRealtime.Testing;

/// <summary>
/// A Redis a test started for itself: one <see cref="RedisServer"/> or a <see cref="RedisClusterServer"/>. Test
/// servers connect with <see cref="ConnectionString"/>; disposing stops every process and deletes its data.
/// </summary>
public interface IRedisDeployment : IAsyncDisposable
{
    /// <summary>Gets the StackExchange.Redis configuration string that reaches it (every node of a cluster).</summary>
    string ConnectionString { get; }
}
