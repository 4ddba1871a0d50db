namespace TenantRealtime.Tests.Identity;

public sealed class TopicNamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("incident:42")]
    [InlineData("board:7:cursors")]
    [InlineData("Ops_eu.prod-1")]
    [InlineData("-:.:_")]
    public void ValidationAcceptsSegmentsJoinedBySingleColons(string topic) => TopicNames.IsValid(topic).Should().BeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(":")]
    [InlineData(":incident")]
    [InlineData("incident:")]
    [InlineData("incident::42")]
    [InlineData("a:::b")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a*")]
    [InlineData("caf\u00e9")]
    [InlineData("\u0430")] // Cyrillic a: looks like 'a', is not.
    [InlineData("a\u0000")]
    [InlineData("a\n")]
    public void ValidationRefusesEverythingElse(string? topic) => TopicNames.IsValid(topic).Should().BeFalse();

    [Fact]
    public void ValidationHonoursTheMaximumLength()
    {
        TopicNames.IsValid(new string('a', TopicNames.DefaultMaxLength)).Should().BeTrue();
        TopicNames.IsValid(new string('a', TopicNames.DefaultMaxLength + 1)).Should().BeFalse("the default is 128");
        TopicNames.IsValid("abcd", maxLength: 3).Should().BeFalse();
        TopicNames.IsValid(new string('a', TopicNames.MaxSupportedLength), TopicNames.MaxSupportedLength).Should().BeTrue();
    }
}
