namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>
/// A test class's own Redis and two servers on it, started per test (so a test may stop Redis or a server freely);
/// the class says how its servers are configured.
/// </summary>
public abstract class TwoNodesOnOwnRedis : IAsyncLifetime
{
    protected RedisServer Redis { get; private set; } = null!;

    protected RealtimeNode A { get; private set; } = null!;

    protected RealtimeNode B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        A = await StartNodeAsync();
        B = await StartNodeAsync();
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>Starts one of the two servers on <see cref="Redis"/>.</summary>
    protected abstract Task<RealtimeNode> StartNodeAsync();
}
