using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TenantRealtime.Redis.Tests.Configuration;

/// <summary><c>RedisWaitTimeout</c> was called <c>BroadcastTimeout</c>: the old name still sets it, in code and in configuration.</summary>
public sealed class RedisWaitTimeoutTests
{
    [Theory]
    [InlineData("RedisWaitTimeout")]
    [InlineData("BroadcastTimeout")]
    public void EitherConfigurationKeyBindsTheWaitBound(string key)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Redis:{key}"] = "00:00:00.250" })
            .Build();
        services.AddOptions<TenantRealtimeRedisOptions>().Bind(configuration.GetSection("Redis"));

        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IOptions<TenantRealtimeRedisOptions>>().Value.RedisWaitTimeout.Should().Be(TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void TheOldPropertyForwardsToTheNewOne()
    {
#pragma warning disable CS0618 // The old name is what this test pins.
        var options = new TenantRealtimeRedisOptions { BroadcastTimeout = TimeSpan.FromMilliseconds(300) };
        options.RedisWaitTimeout.Should().Be(TimeSpan.FromMilliseconds(300));
        options.RedisWaitTimeout = TimeSpan.FromSeconds(2);
        options.BroadcastTimeout.Should().Be(TimeSpan.FromSeconds(2));
#pragma warning restore CS0618
    }
}
