using Microsoft.Extensions.Options;
using TenantRealtime.Hosting.Internal;

namespace TenantRealtime.Tests.Presence;

public sealed class PresenceOptionsTests
{
    private static ValidateOptionsResult Validate(Action<TenantRealtimeOptions> configure)
    {
        var options = new TenantRealtimeOptions();
        configure(options);
        return new TenantRealtimeOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
    }

    [Fact]
    public void PresenceIsOffByDefaultWithBoundsThatNeedNoTuning()
    {
        var options = new TenantRealtimeOptions();

        options.EnablePresence.Should().BeFalse("whether colleagues see each other online is the app's call");
        options.ShareOrganizationPresenceWithMembers.Should().BeFalse();
        options.PresenceDisplayNameClaimType.Should().BeNull("no names are shared unless the app names a claim");
        options.PresenceDebounce.Should().Be(TimeSpan.FromSeconds(5));
        options.PresenceEventsPerSecond.Should().Be(10);
        options.MaxPresenceListSize.Should().Be(100);
    }

    [Fact]
    public void PresenceOnWithEveryOptionSetIsValid() =>
        Validate(o =>
        {
            o.EnablePresence = true;
            o.ShareOrganizationPresenceWithMembers = true;
            o.PresenceDisplayNameClaimType = "name";
            o.PresenceDebounce = TimeSpan.Zero;
            o.PresenceEventsPerSecond = 1;
            o.MaxPresenceListSize = 1;
        }).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData(-1)]
    [InlineData(601)]
    public void ADebounceOutsideZeroToTenMinutesIsRefused(int seconds) =>
        Validate(o => o.PresenceDebounce = TimeSpan.FromSeconds(seconds)).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.PresenceDebounce));

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void AnEventRateOutsideOneToTenThousandIsRefused(int perSecond) =>
        Validate(o => o.PresenceEventsPerSecond = perSecond).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.PresenceEventsPerSecond));

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void AListBoundOutsideOneToOneHundredThousandIsRefused(int users) =>
        Validate(o => o.MaxPresenceListSize = users).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.MaxPresenceListSize));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AnEmptyDisplayNameClaimIsRefusedWithWhatToWriteInstead(string claim) =>
        Validate(o => o.PresenceDisplayNameClaimType = claim).FailureMessage.Should()
            .Contain("PresenceDisplayNameClaimType must name a claim (for example \"name\"), or be null for no display names.");

    [Fact]
    public void SharingPresenceThatIsOffIsRefusedRatherThanIgnored() =>
        Validate(o => o.ShareOrganizationPresenceWithMembers = true).FailureMessage.Should()
            .Contain("ShareOrganizationPresenceWithMembers needs EnablePresence");

    [Fact]
    public async Task AnInvalidPresenceOptionFailsTheAppAtStart()
    {
        var start = () => RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.PresenceEventsPerSecond = 0 });

        await start.Should().ThrowAsync<OptionsValidationException>().WithMessage("*PresenceEventsPerSecond*");
    }
}
