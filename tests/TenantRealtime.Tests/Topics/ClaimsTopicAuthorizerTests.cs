using System.Security.Claims;
using TenantRealtime.Topics.Internal;

namespace TenantRealtime.Tests.Topics;

public sealed class ClaimsTopicAuthorizerTests
{
    private static readonly TenantIdentity Alice = new("alice", "org-a", "t1", TenantRoles.Member);

    [Theory]
    [InlineData("tenant:incident:*", "t1", "incident:42", true)]
    [InlineData("tenant:incident:*", "t1", "incident", false)]
    [InlineData("tenant:incident:*", "t1", "incidents", false)]
    [InlineData("tenant:incident:*", "t2", "incident:42", false)]
    [InlineData("tenant:incident*", "t1", "incidents", true)]
    [InlineData("tenant:incident:42", "t1", "incident:42", true)]
    [InlineData("tenant:incident:42", "t1", "incident:420", false)]
    [InlineData("tenant:*", "t1", "anything:at:all", true)]
    [InlineData("tenant:*", "t2", "anything", false)]
    [InlineData("tenants:board:*", "t2", "board:7", true)]
    [InlineData("tenants:board:*", "t1", "board:7", true)]
    [InlineData("tenants:board:*", "t1", "boards", false)]
    [InlineData("organization:ops", "t1", "ops", false)]
    [InlineData("tenant:ops", null, "ops", false)]
    [InlineData("tenants:ops", null, "ops", false)]
    [InlineData("organization:ops", null, "ops", true)]
    [InlineData("organization:ops", null, "ops:eu", false)]
    [InlineData("organization:ops*", null, "ops:eu", true)]
    [InlineData("organization:*", null, "anything", true)]
    [InlineData("TENANT:incident:*", "t1", "incident:42", false)]
    [InlineData("tenant:Incident:*", "t1", "incident:42", false)]
    [InlineData("incident:*", "t1", "incident:42", false)]
    [InlineData("*", "t1", "incident:42", false)]
    [InlineData("", "t1", "incident:42", false)]
    public async Task APatternGrantsExactlyWhatItNames(string pattern, string? tenantId, string topic, bool granted)
    {
        var asked = tenantId is null ? Topic.InOrganization("org-a", topic) : Topic.InTenant("org-a", tenantId, topic);

        var answers = await AuthorizeAsync(Alice, [new Claim("topics", pattern)], asked);

        answers.Should().Equal(granted);
    }

    [Fact]
    public async Task PatternsGrantWithinTheIdentitysOwnOrganizationOnly()
    {
        var answers = await AuthorizeAsync(
            Alice,
            [new Claim("topics", "tenant:* tenants:* organization:*")],
            Topic.InTenant("org-b", "t1", "x"),
            Topic.InOrganization("org-b", "x"),
            Topic.InTenant("org-a", "t1", "x"));

        answers.Should().Equal(false, false, true);
    }

    [Fact]
    public async Task PatternsComeFromEveryClaimOfTheTypeAndEveryValueSeparatedBySpaces()
    {
        Claim[] claims = [new("topics", "  tenant:incident:*   organization:ops "), new("topics", "tenants:board:*"), new("other", "organization:*")];

        var answers = await AuthorizeAsync(
            Alice,
            claims,
            Topic.InTenant("org-a", "t1", "incident:1"),
            Topic.InOrganization("org-a", "ops"),
            Topic.InTenant("org-a", "t9", "board:1"),
            Topic.InOrganization("org-a", "finance"));

        answers.Should().Equal(true, true, true, false);
    }

    [Fact]
    public async Task AnotherClaimTypeIsReadWhenConfigured()
    {
        var authorizer = new ClaimsTopicAuthorizer("grants");
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("grants", "organization:ops"), new Claim("topics", "organization:*")]));

        var answers = await authorizer.AuthorizeAsync(new TopicAuthorizationContext(Alice, user, [Topic.InOrganization("org-a", "ops"), Topic.InOrganization("org-a", "x")]), default);

        answers.Should().Equal(true, false);
        authorizer.ClaimType.Should().Be("grants");
    }

    [Fact]
    public async Task WithoutTheClaimNothingIsGranted()
    {
        var admin = new TenantIdentity("ada", "org-a", null, TenantRoles.Admin);

        var answers = await AuthorizeAsync(admin, [], Topic.InOrganization("org-a", "ops"), Topic.InTenant("org-a", "t1", "x"));

        answers.Should().Equal(false, false);
    }

    private static async Task<IReadOnlyList<bool>> AuthorizeAsync(TenantIdentity identity, Claim[] claims, params Topic[] topics)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(claims));
        return await new ClaimsTopicAuthorizer(ClaimsTopicAuthorizer.DefaultClaimType).AuthorizeAsync(new TopicAuthorizationContext(identity, user, topics), default);
    }
}
