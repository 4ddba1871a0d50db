namespace TenantRealtime.Redis.Connections;

/// <summary>
/// This server's connections per user of each organization: its share of the per-user counts in Redis. Entries are
/// removed when they reach zero, so memory follows the users connected now.
/// </summary>
internal sealed class LocalUserCounts
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, long>> _organizations = new(StringComparer.Ordinal);

    public void Add(TenantIdentity identity)
    {
        lock (_gate)
        {
            if (!_organizations.TryGetValue(identity.OrganizationId, out var users))
            {
                _organizations[identity.OrganizationId] = users = new(StringComparer.Ordinal);
            }

            users[identity.UserId] = users.GetValueOrDefault(identity.UserId) + 1;
        }
    }

    public void Remove(TenantIdentity identity)
    {
        lock (_gate)
        {
            if (!_organizations.TryGetValue(identity.OrganizationId, out var users) || !users.TryGetValue(identity.UserId, out var count))
            {
                return;
            }

            if (count > 1)
            {
                users[identity.UserId] = count - 1;
                return;
            }

            users.Remove(identity.UserId);
            if (users.Count == 0)
            {
                _organizations.Remove(identity.OrganizationId);
            }
        }
    }

    public long CountOf(string organizationId, string userId)
    {
        lock (_gate)
        {
            return _organizations.TryGetValue(organizationId, out var users) ? users.GetValueOrDefault(userId) : 0;
        }
    }

    /// <summary>The users of <paramref name="organizationId"/> with connections here, and how many each has.</summary>
    public KeyValuePair<string, long>[] UsersOf(string organizationId)
    {
        lock (_gate)
        {
            return _organizations.TryGetValue(organizationId, out var users) ? [.. users] : [];
        }
    }
}
