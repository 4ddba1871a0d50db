using System.Security.Claims;
using TenantRealtime.Authentication.Internal;

namespace TenantRealtime.Tests.Identity;

public sealed class ClaimsAuthenticatorTests
{
    private static async Task<AuthenticationResult> AuthenticateAsync(IEnumerable<Claim> claims, Action<TenantRealtimeOptions>? configure = null, bool authenticated = true)
    {
        var options = new TenantRealtimeOptions();
        configure?.Invoke(options);
        var user = new ClaimsPrincipal(new ClaimsIdentity(claims, authenticated ? "test" : null));
        return await new ClaimsAuthenticator(new StaticOptionsMonitor<TenantRealtimeOptions>(options))
            .AuthenticateAsync(new AuthenticationContext("c1", user, null, null), default);
    }

    [Fact]
    public async Task AuthenticatorReadsTheContractClaims()
    {
        var result = await AuthenticateAsync([new("sub", "alice"), new("org_id", "org-a"), new("tenant_id", "t1"), new("role", "admin")]);

        result.Succeeded.Should().BeTrue();
        result.Identity.Should().Be(new TenantIdentity("alice", "org-a", "t1", "admin"));
    }

    [Fact]
    public async Task AuthenticatorGivesTheDefaultRoleWhenTheTokenHasNone()
    {
        var result = await AuthenticateAsync([new("sub", "alice"), new("org_id", "org-a")]);

        result.Identity!.Role.Should().Be(TenantRoles.Member);
        result.Identity.TenantId.Should().BeNull();
    }

    [Fact]
    public async Task AuthenticatorFallsBackToMappedClaimTypes()
    {
        var result = await AuthenticateAsync([new(ClaimTypes.NameIdentifier, "alice"), new("org_id", "org-a"), new(ClaimTypes.Role, "admin")]);

        result.Identity.Should().Be(new TenantIdentity("alice", "org-a", null, "admin"));
    }

    [Fact]
    public async Task AuthenticatorUsesConfiguredClaimTypes()
    {
        var result = await AuthenticateAsync(
            [new("uid", "alice"), new("organization", "org-a"), new("workspace", "w1"), new("r", "member")],
            o =>
            {
                o.UserIdClaimType = "uid";
                o.OrganizationIdClaimType = "organization";
                o.TenantIdClaimType = "workspace";
                o.RoleClaimType = "r";
            });

        result.Identity.Should().Be(new TenantIdentity("alice", "org-a", "w1", "member"));
    }

    [Theory]
    [InlineData("org_id", "the token has no 'org_id' claim.")]
    [InlineData("sub", "the token has no 'sub' claim.")]
    public async Task AuthenticatorRefusesATokenWithoutUserOrOrganization(string missing, string reason)
    {
        Claim[] claims = [new("sub", "alice"), new("org_id", "org-a")];

        var result = await AuthenticateAsync(claims.Where(c => c.Type != missing));

        result.Succeeded.Should().BeFalse();
        result.FailureReason.Should().Be(reason);
    }

    [Fact]
    public async Task AuthenticatorRefusesATokenWithTwoOrganizations()
    {
        var result = await AuthenticateAsync([new("sub", "alice"), new("org_id", "org-a"), new("org_id", "org-b")]);

        result.FailureReason.Should().Be("the token has more than one 'org_id' claim.");
    }

    [Fact]
    public async Task AuthenticatorRefusesAnUnauthenticatedUser()
    {
        var result = await AuthenticateAsync([new("sub", "alice"), new("org_id", "org-a")], authenticated: false);

        result.Succeeded.Should().BeFalse();
    }
}
