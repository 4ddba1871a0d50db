using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Tests.Connections;

/// <summary>The one timer behind every connection's expiry: it fires for the earliest, and tokens of any lifetime are watched.</summary>
public sealed class AuthenticationExpiryWatchTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));

    private AuthenticationExpiry NewWatch()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        services.AddTenantRealtime();
        return services.BuildServiceProvider().GetRequiredService<AuthenticationExpiry>();
    }

    [Fact]
    public void WatchForgetsAConnectionWhenItsExpiryComesAndWatchesTokensOfAnyLifetime()
    {
        using var watch = NewWatch();

        watch.Track("soon", _time.GetUtcNow().AddMinutes(10));
        watch.Track("in-a-year", _time.GetUtcNow().AddDays(365));
        _time.Advance(TimeSpan.FromMinutes(10));

        watch.Count.Should().Be(1, "the expired connection was taken (and closed, had it been connected)");
        _time.Advance(TimeSpan.FromDays(2));
        watch.Count.Should().Be(1, "a token far in the future is looked at again, never dropped");
        _time.Advance(TimeSpan.FromDays(363));
        watch.Count.Should().Be(0);
    }

    [Fact]
    public void AConnectionThatEndsIsNoLongerWatched()
    {
        using var watch = NewWatch();

        watch.Track("c1", _time.GetUtcNow().AddHours(1));
        watch.Forget("c1");

        watch.Count.Should().Be(0);
        watch.HasExpired(_time.GetUtcNow()).Should().BeTrue();
        watch.HasExpired(_time.GetUtcNow().AddSeconds(1)).Should().BeFalse();
    }
}
