using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Tests.Connections;

/// <summary>
/// The caps are checked against <see cref="IConnectionCapCounts"/>: a user's connections on other servers leave this
/// server only the rest of <see cref="TenantRealtimeOptions.MaxConnectionsPerUser"/>, refused with the same error.
/// </summary>
public sealed class CapCountsTests : IAsyncLifetime
{
    private const string UserAtCap = "limit-exceeded: the user already has the maximum of 3 connections.";

    private readonly ScriptedCapCounts _counts = new();
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = o =>
        {
            o.MaxConnectionsPerUser = 3;
            o.MaxConnectionsPerTenant = 5;
        },
        Services = services => services.Replace(ServiceDescriptor.Singleton<IConnectionCapCounts>(_counts)),
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task AUsersConnectionsElsewhereLeaveThisServerOnlyTheRest()
    {
        var alice = TestUser.Member("alice", "org-a", "t1");
        _counts.UserElsewhere = 2;

        await using var first = await RealtimeClient.ConnectAsync(_node.HubUrl, alice);
        await using var second = RealtimeClient.Create(_node.HubUrl, alice.Token());

        (await second.StartExpectingRefusalAsync()).Should().Contain(UserAtCap);
        (await first.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task AUserAtTheCapElsewhereIsRefusedHereAndAcceptedWhenOneThereLeaves()
    {
        var alice = TestUser.Admin("alice", "org-a");
        _counts.UserElsewhere = 3;
        await using var refused = RealtimeClient.Create(_node.HubUrl, alice.Token());
        (await refused.StartExpectingRefusalAsync()).Should().Contain(UserAtCap);

        _counts.UserElsewhere = 2;
        await using var accepted = await RealtimeClient.ConnectAsync(_node.HubUrl, alice);
        (await accepted.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task TheTenantCapCountsWhatTheCapCountsReport()
    {
        _counts.Tenant = 5;
        await using var refused = RealtimeClient.Create(_node.HubUrl, TestUser.Member("bob", "org-b", "t1").Token());
        (await refused.StartExpectingRefusalAsync()).Should().Contain("limit-exceeded: the tenant already has the maximum of 5 connections.");

        // An identity without a tenant has no tenant cap to reach.
        await using var admin = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Admin("ada", "org-b"));
        (await admin.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task TheDefaultCountsTheTenantInTheRegistryAndNoOtherServers()
    {
        var store = new LocalConnectionStore();
        store.TryAdd(new ConnectionState(new FakeCallerContext("c1"), new TenantIdentity("u1", "org-a", "t1", TenantRoles.Member)), 5, store.RevocationGeneration);
        store.TryAdd(new ConnectionState(new FakeCallerContext("c2"), new TenantIdentity("u2", "org-a", "t1", TenantRoles.Member)), 5, store.RevocationGeneration);
        var registry = new InMemoryConnectionRegistry(store);
        var counts = new RegistryCapCounts(registry);

        (await counts.CountAsync(new TenantIdentity("u1", "org-a", "t1", TenantRoles.Member), default)).Should().Be(new CapCounts(2, 0));
        (await counts.CountAsync(new TenantIdentity("u1", "org-a", null, TenantRoles.Admin), default)).Should().Be(new CapCounts(0, 0));
    }

    private sealed class ScriptedCapCounts : IConnectionCapCounts
    {
        public long Tenant { get; set; }

        public long UserElsewhere { get; set; }

        public ValueTask<CapCounts> CountAsync(TenantIdentity identity, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CapCounts(identity.TenantId is null ? 0 : Tenant, UserElsewhere));
    }
}
