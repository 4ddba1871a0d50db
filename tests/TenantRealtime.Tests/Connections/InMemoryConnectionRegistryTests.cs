using TenantRealtime.Connections.Internal;

namespace TenantRealtime.Tests.Connections;

public sealed class InMemoryConnectionRegistryTests
{
    private readonly LocalConnectionStore _store = new();
    private readonly InMemoryConnectionRegistry _registry;

    public InMemoryConnectionRegistryTests() => _registry = new InMemoryConnectionRegistry(_store);

    private static TenantConnection Connection(string id, string org, string? tenant) => new(id, new TenantIdentity("u-" + id, org, tenant, TenantRoles.Member));

    /// <summary>As the connection lifecycle does: the store counts a connection, then the hub reports it to the registry.</summary>
    private ValueTask AddAsync(TenantConnection connection, CancellationToken cancellationToken = default)
    {
        _store.TryAdd(new ConnectionState(new FakeCallerContext(connection.ConnectionId), connection.Identity), int.MaxValue, _store.RevocationGeneration);
        return _registry.AddAsync(connection, cancellationToken);
    }

    /// <summary>As the connection lifecycle does: the store forgets a connection, then the hub reports it to the registry.</summary>
    private ValueTask RemoveAsync(TenantConnection connection, CancellationToken cancellationToken = default)
    {
        _store.Remove(connection.ConnectionId, out _);
        return _registry.RemoveAsync(connection, cancellationToken);
    }

    [Fact]
    public async Task RegistryCountsPerOrganizationAndTenant()
    {
        await AddAsync(Connection("1", "o", "t1"), default);
        await AddAsync(Connection("2", "o", "t1"), default);
        await AddAsync(Connection("3", "o", null), default);
        await AddAsync(Connection("4", "p", "t1"), default);
        await AddAsync(new TenantConnection("5", null), default);

        (await _registry.CountAsync()).Should().Be(5);
        (await _registry.CountAsync("o")).Should().Be(3);
        (await _registry.CountAsync("o", "t1")).Should().Be(2);
        (await _registry.CountAsync("p", "t1")).Should().Be(1);
        (await _registry.CountAsync("missing")).Should().Be(0);
        var snapshot = await _registry.GetSnapshotAsync();
        snapshot.Connections.Should().Be(5);
        snapshot.Organizations.Select(o => o.OrganizationId).Should().Equal("o", "p");
        snapshot.Organizations[0].Tenants.Should().Equal(new TenantConnections("t1", 2));
    }

    [Fact]
    public async Task RegistryIgnoresDuplicateAddsAndUnknownRemoves()
    {
        var connection = Connection("1", "o", "t1");
        await AddAsync(connection, default);
        await AddAsync(connection, default);
        await RemoveAsync(Connection("unknown", "o", "t1"), default);

        (await _registry.CountAsync("o", "t1")).Should().Be(1);
    }

    [Fact]
    public async Task RegistryLeavesNothingBehindAfterChurn()
    {
        var connections = Enumerable.Range(0, 1000).Select(i => Connection(i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"o{i % 7}", $"t{i % 13}")).ToList();
        await Parallel.ForEachAsync(connections, async (c, ct) => await AddAsync(c, ct));
        await Parallel.ForEachAsync(connections, async (c, ct) => await RemoveAsync(c, ct));

        (await _registry.CountAsync()).Should().Be(0);
        (await _registry.GetSnapshotAsync()).Organizations.Should().BeEmpty();
    }
}
