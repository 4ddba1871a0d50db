using System.Security.Claims;
using TenantRealtime.Presence.Internal;

namespace TenantRealtime.Tests.Presence;

public sealed class DisplayNamesTests
{
    private static ClaimsPrincipal With(string name) => new(new ClaimsIdentity([new Claim("name", name)], "test"));

    [Fact]
    public void TheConfiguredClaimIsTheNameTrimmed() => DisplayNames.Of(With("  Ada Lovelace "), "name").Should().Be("Ada Lovelace");

    [Fact]
    public void NoClaimTypeOrNoClaimIsNoName()
    {
        DisplayNames.Of(With("Ada"), null).Should().BeNull();
        DisplayNames.Of(With("Ada"), "nickname").Should().BeNull();
        DisplayNames.Of(null, "name").Should().BeNull();
    }

    [Fact]
    public void ControlCharactersNeverReachAnotherUsersPage() =>
        DisplayNames.Of(With("Ada\nLove\u0000lace\r"), "name").Should().Be("AdaLovelace");

    [Fact]
    public void ALongNameIsCutWithoutSplittingACharacter()
    {
        var name = new string('a', DisplayNames.MaxLength - 1) + "😀tail";

        var shown = DisplayNames.Of(With(name), "name");

        shown.Should().HaveLength(DisplayNames.MaxLength - 1).And.Be(new string('a', DisplayNames.MaxLength - 1));
    }
}
