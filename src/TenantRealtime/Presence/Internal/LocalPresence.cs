using System.Runtime.InteropServices;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// This server's share of presence: its connections per user of each organization (and per tenant of that user), with
/// when the user's first connection here arrived and its display name; and, apart, its subscribed connections per user
/// of each topic that tracks presence. Entries go when they reach zero, so memory follows the users connected (and
/// subscribed) now; nothing is kept per connection.
/// </summary>
internal sealed class LocalPresence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, UserShare>> _organizations = new(StringComparer.Ordinal);
    private readonly Dictionary<PresenceRoom, Dictionary<string, ScopeShare>> _topics = [];

    // Topic scopes with a share here, per organization: Has answers without walking every topic.
    private readonly Dictionary<string, int> _topicsPerOrganization = new(StringComparer.Ordinal);

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

    /// <summary>Counts a connection of <paramref name="userId"/> subscribed to the topic <paramref name="scope"/>.</summary>
    public void AddTopic(PresenceRoom scope, string userId, string? displayName, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_topics.TryGetValue(scope, out var users))
            {
                _topics[scope] = users = new(StringComparer.Ordinal);
                _topicsPerOrganization[scope.OrganizationId] = _topicsPerOrganization.GetValueOrDefault(scope.OrganizationId) + 1;
            }

            if (!users.TryGetValue(userId, out var share))
            {
                users[userId] = share = new ScopeShare(now, displayName);
            }

            share.Connections++;
        }
    }

    /// <summary>Stops counting a connection of <paramref name="userId"/> in the topic <paramref name="scope"/>; false when none was counted.</summary>
    public bool RemoveTopic(PresenceRoom scope, string userId)
    {
        lock (_gate)
        {
            if (!_topics.TryGetValue(scope, out var users) || !users.TryGetValue(userId, out var share))
            {
                return false;
            }

            if (--share.Connections > 0 || !users.Remove(userId) || users.Count > 0)
            {
                return true;
            }

            _topics.Remove(scope);
            if (--CollectionsMarshal.GetValueRefOrNullRef(_topicsPerOrganization, scope.OrganizationId) == 0)
            {
                _topicsPerOrganization.Remove(scope.OrganizationId);
            }

            return true;
        }
    }

    /// <summary>This server's connections of <paramref name="userId"/> in <paramref name="scope"/>.</summary>
    public long Connections(PresenceRoom scope, string userId)
    {
        lock (_gate)
        {
            if (scope.Topic is not null)
            {
                return _topics.TryGetValue(scope, out var subscribers) && subscribers.TryGetValue(userId, out var subscriber) ? subscriber.Connections : 0;
            }

            if (!_organizations.TryGetValue(scope.OrganizationId, out var users) || !users.TryGetValue(userId, out var share))
            {
                return 0;
            }

            return scope.TenantId is { } tenantId ? share.Tenants.Of(tenantId) : share.Connections;
        }
    }

    /// <summary>
    /// When the user's first connection here arrived in <paramref name="scope"/> (its organization's, for an
    /// organization or a tenant; the topic's own, for a topic), and its display name; null when it has none here.
    /// </summary>
    public (DateTimeOffset Since, string? DisplayName)? Find(PresenceRoom scope, string userId)
    {
        lock (_gate)
        {
            if (scope.Topic is not null)
            {
                return _topics.TryGetValue(scope, out var subscribers) && subscribers.TryGetValue(userId, out var subscriber)
                    ? (subscriber.Since, subscriber.DisplayName)
                    : null;
            }

            return _organizations.TryGetValue(scope.OrganizationId, out var users) && users.TryGetValue(userId, out var share)
                ? (share.Since, share.DisplayName)
                : null;
        }
    }

    /// <summary>Whether any user of <paramref name="organizationId"/> has a connection (or a topic's subscription) here.</summary>
    public bool Has(string organizationId)
    {
        lock (_gate)
        {
            return _organizations.ContainsKey(organizationId) || _topicsPerOrganization.ContainsKey(organizationId);
        }
    }

    /// <summary>Every (scope, user) with connections here: organizations, tenants and topics.</summary>
    public List<(PresenceRoom Scope, string UserId)> Members()
    {
        lock (_gate)
        {
            var members = new List<(PresenceRoom, string)>();
            foreach (var (organizationId, users) in _organizations)
            {
                foreach (var (userId, share) in users)
                {
                    members.Add((new PresenceRoom(organizationId, null), userId));
                    foreach (var tenantId in share.Tenants.Names())
                    {
                        members.Add((new PresenceRoom(organizationId, tenantId), userId));
                    }
                }
            }

            foreach (var (scope, users) in _topics)
            {
                members.AddRange(users.Keys.Select(userId => (scope, userId)));
            }

            return members;
        }
    }

    /// <summary>
    /// One user's connections here in a scope (a topic's: its subscribed connections), with when the first arrived and
    /// its display name. The time is kept as UTC ticks, 8 B where a <see cref="DateTimeOffset"/> takes 16.
    /// </summary>
    private class ScopeShare(DateTimeOffset since, string? displayName)
    {
        private readonly long _sinceTicks = since.UtcTicks;

        public DateTimeOffset Since => new(_sinceTicks, TimeSpan.Zero);

        public string? DisplayName { get; } = displayName;

        public int Connections { get; set; }
    }

    /// <summary>One user's connections here in its organization, with their count per tenant.</summary>
    private sealed class UserShare(DateTimeOffset since, string? displayName) : ScopeShare(since, displayName)
    {
        /// <summary>A field, not a property: the mutable struct is updated in place.</summary>
        public TenantCounts Tenants;
    }
}
