namespace TenantRealtime.Redis.Connections;

/// <summary>A tenant's and a user's connections on the other servers, as read from Redis.</summary>
/// <param name="Tenant">The tenant's connections on the other servers; 0 for an identity without a tenant.</param>
/// <param name="User">The user's connections on the other servers.</param>
internal readonly record struct ElsewhereCounts(long Tenant, long User);

/// <summary>
/// The other servers' shares of tenants and users as last read at connect, so that the caps of a connect made while
/// Redis is unreachable count what this server knows rather than nothing. Bounded: two generations of at most
/// <see cref="Capacity"/> scopes each; when the newer one fills up the older is dropped, so the most recently read
/// are kept. A scope read as 0 is forgotten (0 is also the answer for a scope never read).
/// </summary>
internal sealed class RememberedShares
{
    public const int Capacity = 8_192;

    private readonly Lock _gate = new();
    private Dictionary<string, long> _current = new(StringComparer.Ordinal);
    private Dictionary<string, long> _previous = new(StringComparer.Ordinal);

    public void Remember(TenantIdentity identity, ElsewhereCounts counts)
    {
        lock (_gate)
        {
            if (identity.TenantId is { } tenantId)
            {
                Set(TenantScope(identity.OrganizationId, tenantId), counts.Tenant);
            }

            Set(UserScope(identity.OrganizationId, identity.UserId), counts.User);
        }
    }

    public ElsewhereCounts Recall(TenantIdentity identity)
    {
        lock (_gate)
        {
            var tenant = identity.TenantId is { } tenantId ? Get(TenantScope(identity.OrganizationId, tenantId)) : 0;
            return new ElsewhereCounts(tenant, Get(UserScope(identity.OrganizationId, identity.UserId)));
        }
    }

    private void Set(string scope, long count)
    {
        _previous.Remove(scope);
        if (count <= 0)
        {
            _current.Remove(scope);
            return;
        }

        if (_current.Count >= Capacity && !_current.ContainsKey(scope))
        {
            _previous = _current;
            _current = new(StringComparer.Ordinal);
        }

        _current[scope] = count;
    }

    private long Get(string scope) =>
        _current.TryGetValue(scope, out var count) ? count : _previous.GetValueOrDefault(scope);

    // Validated ids hold no '/', so a scope names one tenant or one user of one organization.
    private static string TenantScope(string organizationId, string tenantId) => $"t/{organizationId}/{tenantId}";

    private static string UserScope(string organizationId, string userId) => $"u/{organizationId}/{userId}";
}
