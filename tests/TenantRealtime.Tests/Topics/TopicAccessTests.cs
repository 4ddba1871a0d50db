using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TenantRealtime.Diagnostics;
using TenantRealtime.Topics.Internal;

namespace TenantRealtime.Tests.Topics;

/// <summary>The default authorizer's rules, and what <see cref="TopicAccess"/> adds whatever the authorizer says.</summary>
public sealed class TopicAccessTests : IDisposable
{
    private static readonly Topic OwnTenant = Topic.InTenant("org-a", "t1", "x");
    private static readonly Topic OtherTenant = Topic.InTenant("org-a", "t2", "x");
    private static readonly Topic OwnOrganization = Topic.InOrganization("org-a", "x");
    private static readonly Topic ForeignTenant = Topic.InTenant("org-b", "t1", "x");
    private static readonly Topic ForeignOrganization = Topic.InOrganization("org-b", "x");
    private static readonly Topic[] All = [OwnTenant, OtherTenant, OwnOrganization, ForeignTenant, ForeignOrganization];

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Theory]
    [InlineData(TenantRoles.Member, "t1", new[] { true, false, false, false, false })]
    [InlineData(TenantRoles.Admin, null, new[] { true, true, true, false, false })]
    [InlineData(TenantRoles.Admin, "t1", new[] { true, true, true, false, false })]
    [InlineData(TenantRoles.PlatformAdmin, null, new[] { true, true, true, true, true })]
    public async Task TheDefaultAuthorizerAppliesTheRoomRules(string role, string? tenantId, bool[] expected)
    {
        var authorizer = new DefaultTopicAuthorizer(new StaticOptionsMonitor<TenantRealtimeOptions>(new TenantRealtimeOptions()));

        var answers = await authorizer.AuthorizeAsync(Context(new TenantIdentity("u", "org-a", tenantId, role), All), default);

        answers.Should().Equal(expected);
    }

    [Fact]
    public async Task OnlyTopicsOfOrganizationsHeldAreAskedAndGranted()
    {
        var asked = new List<Topic>();
        var access = Access(context =>
        {
            asked.AddRange(context.Topics);
            return [.. context.Topics.Select(_ => true)];
        });
        TenantRoom[] rooms = [TenantRoom.Organization("org-a"), TenantRoom.Tenant("org-a", "t1"), ForeignOrganization.Room];

        var answers = await access.DecideAsync(Identity, new ClaimsPrincipal(), rooms, All, default);

        answers.Should().Equal(true, true, true, false, false);
        asked.Should().Equal([OwnTenant, OtherTenant, OwnOrganization], "a topic held is no organization held");
    }

    [Fact]
    public async Task AnAuthorizerThatFailsOrMiscountsGrantsNothing()
    {
        TenantRoom[] rooms = [TenantRoom.Organization("org-a")];
        Topic[] asked = [OwnTenant, OwnOrganization];

        var failing = await Access(_ => throw new InvalidOperationException("the database is down")).DecideAsync(Identity, new ClaimsPrincipal(), rooms, asked, default);
        var miscounting = await Access(_ => [true]).DecideAsync(Identity, new ClaimsPrincipal(), rooms, asked, default);
        var nothing = await Access(_ => null!).DecideAsync(Identity, new ClaimsPrincipal(), rooms, asked, default);

        failing.Should().Equal(false, false);
        miscounting.Should().Equal(false, false);
        nothing.Should().Equal(false, false);
    }

    [Fact]
    public async Task ACanceledDecisionIsNotARefusal()
    {
        var access = Access(_ => throw new OperationCanceledException());

        var decide = () => access.DecideAsync(Identity, new ClaimsPrincipal(), [TenantRoom.Organization("org-a")], [OwnTenant], default);

        await decide.Should().ThrowAsync<OperationCanceledException>();
    }

    public void Dispose() => _services.Dispose();

    private static TenantIdentity Identity => new("alice", "org-a", "t1", TenantRoles.Member);

    private static TopicAuthorizationContext Context(TenantIdentity identity, IReadOnlyList<Topic> topics) => new(identity, new ClaimsPrincipal(), topics);

    private TopicAccess Access(Func<TopicAuthorizationContext, IReadOnlyList<bool>> decide) =>
        new(new DelegateAuthorizer(decide), new TenantRealtimeMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<TopicAccess>.Instance);

    private sealed class DelegateAuthorizer(Func<TopicAuthorizationContext, IReadOnlyList<bool>> decide) : ITopicAuthorizer
    {
        public ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken) => ValueTask.FromResult(decide(context));
    }
}
