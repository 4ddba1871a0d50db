namespace TenantRealtime.Tests.Identity;

public sealed class TenantIdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("org-a")]
    [InlineData("Tenant_1.prod")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void ValidationAcceptsWellFormedIds(string id) => TenantIds.IsValid(id).Should().BeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a:b")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData("\u00e9")]
    [InlineData("\u0430")] // Cyrillic a: looks like 'a', is not.
    [InlineData("a\u0000")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void RefuseEverythingElse(string? id) => TenantIds.IsValid(id).Should().BeFalse();

    [Fact]
    public void ValidationHonoursAConfiguredMaximumLength()
    {
        TenantIds.IsValid("abcd", maxLength: 3).Should().BeFalse();
        TenantIds.IsValid(new string('a', 100), maxLength: 128).Should().BeTrue();
    }
}
