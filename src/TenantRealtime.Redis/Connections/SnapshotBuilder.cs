using StackExchange.Redis;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Connections;

/// <summary>Adds the shares of several servers into one <see cref="ConnectionSnapshot"/>, ordered by id.</summary>
internal sealed class SnapshotBuilder
{
    private readonly SortedDictionary<string, (long Connections, SortedDictionary<string, long> Tenants)> _organizations = new(StringComparer.Ordinal);
    private long _total;

    public SnapshotBuilder(ConnectionSnapshot local)
    {
        _total = local.Connections;
        foreach (var organization in local.Organizations)
        {
            var tenants = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var tenant in organization.Tenants)
            {
                tenants[tenant.TenantId] = tenant.Connections;
            }

            _organizations[organization.OrganizationId] = (organization.Connections, tenants);
        }
    }

    public void AddTotal(long connections) => _total += connections;

    /// <summary>Adds one server's hash of one organization (<c>*</c> = its total, other fields = tenants).</summary>
    public void AddOrganization(string organizationId, HashEntry[] hash)
    {
        if (hash.Length == 0)
        {
            return;
        }

        if (!_organizations.TryGetValue(organizationId, out var organization))
        {
            organization = (0, new SortedDictionary<string, long>(StringComparer.Ordinal));
        }

        foreach (var entry in hash)
        {
            var name = entry.Name.ToString();
            var count = RedisConnectionRegistry.ParseCount(entry.Value);
            if (name == RedisKeys.TotalField)
            {
                organization.Connections += count;
            }
            else if (count > 0 && TenantIds.IsValid(name, TenantIds.MaxSupportedLength))
            {
                organization.Tenants[name] = organization.Tenants.GetValueOrDefault(name) + count;
            }
        }

        if (organization.Connections > 0)
        {
            _organizations[organizationId] = organization;
        }
    }

    /// <param name="totalOfOrganizations">For a one-organization snapshot the total is that organization's.</param>
    public ConnectionSnapshot Build(bool totalOfOrganizations)
    {
        var organizations = _organizations
            .Select(pair => new OrganizationConnections(
                pair.Key,
                pair.Value.Connections,
                [.. pair.Value.Tenants.Select(t => new TenantConnections(t.Key, t.Value))]))
            .ToList();
        return new ConnectionSnapshot(totalOfOrganizations ? organizations.Sum(o => o.Connections) : _total, organizations);
    }
}
