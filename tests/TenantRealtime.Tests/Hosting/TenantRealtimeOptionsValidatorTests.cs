using Microsoft.Extensions.Options;
using TenantRealtime.Hosting.Internal;

namespace TenantRealtime.Tests.Hosting;

public sealed class TenantRealtimeOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(Action<TenantRealtimeOptions> configure)
    {
        var options = new TenantRealtimeOptions();
        configure(options);
        return new TenantRealtimeOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
    }

    [Fact]
    public void ValidatorAcceptsTheDefaults() => Validate(_ => { }).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void ValidatorRefusesAnOutOfRangeMaximumIdLength(int length) =>
        Validate(o => o.MaxIdLength = length).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.MaxIdLength));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ValidatorRefusesAServerCeilingBelowOne(int ceiling) =>
        Validate(o => o.MaxConnectionsPerServer = ceiling).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.MaxConnectionsPerServer));

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public void ValidatorAcceptsNoServerCeilingOrOneOfAtLeastOne(int? ceiling) =>
        Validate(o => o.MaxConnectionsPerServer = ceiling).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void ValidatorRefusesAConnectRateBelowOne(int perSecond) =>
        Validate(o => o.MaxConnectsPerSecond = perSecond).FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.MaxConnectsPerSecond));

    [Theory]
    [InlineData("incident:")]
    [InlineData("cursor")]
    [InlineData("board:7:")]
    public void ValidatorAcceptsATopicPrefix(string prefix) =>
        Validate(o => o.TopicPrefixes[prefix] = new TopicPrefixOptions { HistoryMaxMessages = 10 }).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData("")]
    [InlineData(":")]
    [InlineData("a::")]
    [InlineData("in cident:")]
    public void ValidatorRefusesAMalformedTopicPrefix(string prefix) =>
        Validate(o => o.TopicPrefixes[prefix] = new TopicPrefixOptions()).FailureMessage.Should().Contain($"the topic prefix '{prefix}'");

    [Fact]
    public void ValidatorRefusesTopicPrefixBoundsOutOfTheServerWideRanges()
    {
        var result = Validate(o => o.TopicPrefixes["cursor:"] = new TopicPrefixOptions
        {
            HistoryMaxMessages = 0,
            HistoryMaxAge = TimeSpan.FromDays(2),
            MaxStateKeysPerRoom = 100_001,
            MaxStateValueBytes = 0,
            StateUpdatesPerSecondPerKey = 1_001,
        });

        result.FailureMessage.Should().Contain("HistoryMaxMessages of the topic prefix 'cursor:'")
            .And.Contain("HistoryMaxAge of the topic prefix 'cursor:'")
            .And.Contain("MaxStateKeysPerRoom of the topic prefix 'cursor:'")
            .And.Contain("MaxStateValueBytes of the topic prefix 'cursor:'")
            .And.Contain("StateUpdatesPerSecondPerKey of the topic prefix 'cursor:'");
    }

    [Fact]
    public void ValidatorRefusesAnEmptyClaimType() =>
        Validate(o => o.OrganizationIdClaimType = "").FailureMessage.Should().Contain(nameof(TenantRealtimeOptions.OrganizationIdClaimType));

    [Fact]
    public void ValidatorRefusesACrossOrganizationRoleThatIsNoAdmin() =>
        Validate(o => o.CrossOrganizationRoles.Add("support")).FailureMessage.Should().Contain("CrossOrganizationRoles must also be in AdminRoles");

    [Fact]
    public void ValidatorRefusesAnEmptyRoleName() =>
        Validate(o => o.AdminRoles.Add(" ")).FailureMessage.Should().Contain("role names must not be empty");

    [Fact]
    public async Task ValidatorFailsTheAppAtStart()
    {
        var start = () => RealtimeNode.StartAsync(new RealtimeNodeOptions { Configure = o => o.MaxIdLength = 0 });

        await start.Should().ThrowAsync<OptionsValidationException>().WithMessage("*MaxIdLength*");
    }
}
