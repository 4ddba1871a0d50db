using FluentAssertions;
using TenantRealtime.Rooms.Internal;
using Xunit;

namespace TenantRealtime.Tests.Rooms;

public sealed class RoomBoundsTests
{
    private static readonly TenantRealtimeOptions Options = Configured();

    [Theory]
    [InlineData("topic:o:t:cursor:1", 10)]
    [InlineData("org-topic:o:cursor:board", 10)]
    [InlineData("topic:o:t:cursor:fast:1", 2)]
    [InlineData("topic:o:t:incident:42", 1_000)]
    [InlineData("topic:o:cursor:t:x", 1_000)]
    [InlineData("tenant:o:cursor", 1_000)]
    [InlineData("org:cursor", 1_000)]
    public void ARoomTakesTheBoundsOfTheLongestPrefixOfItsTopicName(string room, int historyMaxMessages) =>
        RoomBounds.Of(Options, room).HistoryMaxMessages.Should().Be(historyMaxMessages);

    [Fact]
    public void UnsetPrefixValuesFallBackToTheServerWideOptions()
    {
        var bounds = RoomBounds.Of(Options, "topic:o:t:cursor:fast:1");

        bounds.HistoryMaxAge.Should().Be(Options.HistoryMaxAge, "the shorter prefix does not lend its values to the longer one");
        bounds.MaxStateKeys.Should().Be(Options.MaxStateKeysPerRoom);
        bounds.MaxStateValueBytes.Should().Be(Options.MaxStateValueBytes);
        bounds.StateUpdatesPerSecondPerKey.Should().Be(50);
        RoomBounds.Of(Options, "topic:o:t:cursor:1").HistoryMaxAge.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void TheLongestHistoryAgeCoversEveryPrefix() =>
        RoomBounds.LongestHistoryAge(Options).Should().Be(TimeSpan.FromMinutes(30));

    [Theory]
    [InlineData("topic:o:t:incident:42", "incident:42")]
    [InlineData("org-topic:o:t1:x", "t1:x")]
    [InlineData("topic:o:t1:x", "x")]
    [InlineData("tenant:o:t", null)]
    [InlineData("org:o", null)]
    [InlineData("topic:o", null)]
    public void TopicNameOfReadsTheNameAfterTheIds(string room, string? name) =>
        RoomNames.TopicNameOf(room).Should().Be(name);

    private static TenantRealtimeOptions Configured()
    {
        var options = new TenantRealtimeOptions();
        options.TopicPrefixes["cursor:"] = new TopicPrefixOptions { HistoryMaxMessages = 10, HistoryMaxAge = TimeSpan.FromSeconds(10) };
        options.TopicPrefixes["cursor:fast:"] = new TopicPrefixOptions { HistoryMaxMessages = 2, StateUpdatesPerSecondPerKey = 50 };
        options.TopicPrefixes["archive:"] = new TopicPrefixOptions { HistoryMaxAge = TimeSpan.FromMinutes(30) };
        return options;
    }
}
