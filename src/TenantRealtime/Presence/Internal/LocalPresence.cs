namespace TenantRealtime.Presence.Internal;

/// <summary>
/// This server's share of presence: its connections per user of each organization (and per tenant of that user), with
/// when the user's first connection here arrived and its display name. Entries go when they reach zero, so memory
/// follows the users connected now; nothing is kept per connection.
/// </summary>
internal sealed class LocalPresence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, UserShare>> _organizations = new(StringComparer.Ordinal);

    /// <summary>Counts a connection of <paramref name="identity"/>.</summary>
    public void Add(TenantIdentity identity, string? displayName, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_organizations.TryGetValue(identity.OrganizationId, out var users))
            {
                _organizations[identity.OrganizationId] = users = new(StringComparer.Ordinal);
            }

            if (!users.TryGetValue(identity.UserId, out var share))
            {
                users[identity.UserId] = share = new UserShare(now, displayName);
            }

            share.Connections++;
            if (identity.TenantId is { } tenantId)
            {
                share.Tenants.Add(tenantId);
            }
        }
    }

    /// <summary>Stops counting a connection of <paramref name="identity"/>; false when none was counted.</summary>
    public bool Remove(TenantIdentity identity)
    {
        lock (_gate)
        {
            if (!_organizations.TryGetValue(identity.OrganizationId, out var users) || !users.TryGetValue(identity.UserId, out var share))
            {
                return false;
            }

            if (identity.TenantId is { } tenantId)
            {
                share.Tenants.Remove(tenantId);
            }

            if (--share.Connections > 0)
            {
                return true;
            }

            users.Remove(identity.UserId);
            if (users.Count == 0)
            {
                _organizations.Remove(identity.OrganizationId);
            }

            return true;
        }
    }

    /// <summary>This server's connections of <paramref name="userId"/> in <paramref name="scope"/>.</summary>
    public long Connections(PresenceRoom scope, string userId)
    {
        lock (_gate)
        {
            if (!_organizations.TryGetValue(scope.OrganizationId, out var users) || !users.TryGetValue(userId, out var share))
            {
                return 0;
            }

            return scope.TenantId is { } tenantId ? share.Tenants.Of(tenantId) : share.Connections;
        }
    }

    /// <summary>When the user's first connection here arrived, and its display name; null when it has none here.</summary>
    public (DateTimeOffset Since, string? DisplayName)? Find(string organizationId, string userId)
    {
        lock (_gate)
        {
            return _organizations.TryGetValue(organizationId, out var users) && users.TryGetValue(userId, out var share)
                ? (share.Since, share.DisplayName)
                : null;
        }
    }

    /// <summary>Whether any user of <paramref name="organizationId"/> has a connection here.</summary>
    public bool Has(string organizationId)
    {
        lock (_gate)
        {
            return _organizations.ContainsKey(organizationId);
        }
    }

    /// <summary>Every (organization, user, tenant) with connections here; the tenant is null for the organization's own entry.</summary>
    public List<(string OrganizationId, string UserId, string? TenantId)> Members()
    {
        lock (_gate)
        {
            var members = new List<(string, string, string?)>();
            foreach (var (organizationId, users) in _organizations)
            {
                foreach (var (userId, share) in users)
                {
                    members.Add((organizationId, userId, null));
                    foreach (var tenantId in share.Tenants.Names())
                    {
                        members.Add((organizationId, userId, tenantId));
                    }
                }
            }

            return members;
        }
    }

    /// <summary>One user's connections here. The time is kept as UTC ticks, 8 B where a <see cref="DateTimeOffset"/> takes 16.</summary>
    private sealed class UserShare(DateTimeOffset since, string? displayName)
    {
        private readonly long _sinceTicks = since.UtcTicks;

        public DateTimeOffset Since => new(_sinceTicks, TimeSpan.Zero);

        public string? DisplayName { get; } = displayName;

        public int Connections { get; set; }

        /// <summary>A field, not a property: the mutable struct is updated in place.</summary>
        public TenantCounts Tenants;
    }
}
