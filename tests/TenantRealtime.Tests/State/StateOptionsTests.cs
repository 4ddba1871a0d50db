using Microsoft.Extensions.Options;
using TenantRealtime.Hosting.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>The state's bounds are validated when the app starts, with their defaults documented.</summary>
public sealed class StateOptionsTests
{
    [Fact]
    public void TheDefaultsAreAThousandKeysSixteenKibibytesAndTenChangesASecond()
    {
        var options = new TenantRealtimeOptions();

        (options.MaxStateKeysPerRoom, options.MaxStateValueBytes, options.StateUpdatesPerSecondPerKey).Should().Be((1_000, 16 * 1024, 4));
        Validate(options).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData(nameof(TenantRealtimeOptions.MaxStateKeysPerRoom), 0)]
    [InlineData(nameof(TenantRealtimeOptions.MaxStateKeysPerRoom), 100_001)]
    [InlineData(nameof(TenantRealtimeOptions.MaxStateValueBytes), 0)]
    [InlineData(nameof(TenantRealtimeOptions.MaxStateValueBytes), (16 * 1024 * 1024) + 1)]
    [InlineData(nameof(TenantRealtimeOptions.StateUpdatesPerSecondPerKey), 0)]
    [InlineData(nameof(TenantRealtimeOptions.StateUpdatesPerSecondPerKey), 1_001)]
    public void AnOutOfRangeBoundIsRefused(string option, int value)
    {
        var options = new TenantRealtimeOptions();
        typeof(TenantRealtimeOptions).GetProperty(option)!.SetValue(options, value);

        Validate(options).FailureMessage.Should().Contain(option);
    }

    [Fact]
    public void TheStateLoadTimeoutIsFiveSecondsByDefaultAndMustBePositiveAndAtMostFiveMinutes()
    {
        new TenantRealtimeOptions().StateLoadTimeout.Should().Be(TimeSpan.FromSeconds(5));
        foreach (var refused in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1) })
        {
            Validate(new TenantRealtimeOptions { StateLoadTimeout = refused }).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.StateLoadTimeout));
        }

        Validate(new TenantRealtimeOptions { StateLoadTimeout = TimeSpan.FromMinutes(5) }).Succeeded.Should().BeTrue();
    }

    private static ValidateOptionsResult Validate(TenantRealtimeOptions options) =>
        new TenantRealtimeOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
}
