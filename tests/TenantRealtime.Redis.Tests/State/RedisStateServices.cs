using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Redis.Tests.State;

/// <summary>The package's services over one Redis, not started (no hosted services): enough to call the state scripts.</summary>
internal static class RedisStateServices
{
    public static ServiceProvider Build(string connectionString, Action<TenantRealtimeRedisOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTenantRealtime().AddRedis(connectionString, options =>
        {
            options.ChannelPrefix = "state-tests";
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }
}
