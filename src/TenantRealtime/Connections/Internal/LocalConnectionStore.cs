namespace TenantRealtime.Connections.Internal;

/// <summary>What <see cref="LocalConnectionStore.TryAdd"/> did with a connection.</summary>
internal enum StoreResult
{
    Added,

    /// <summary>Not added: its user already has as many connections here as the cap leaves this server.</summary>
    UserAtLimit,

    /// <summary>Not added: its user's or tenant's connections were revoked while it was connecting.</summary>
    Revoked,

    /// <summary>Not added: its user's rooms were refreshed while it was connecting; it must authenticate again.</summary>
    Stale,
}

/// <summary>
/// This server's live connections: the one per-server index of them. By id; by organization, with their counts per
/// organization and tenant and each user's connections, so revocation finds a user's connections without a scan, the
/// registry reads its counts and the Redis package its per-user share here; and the revocation requests recently
/// carried out here. Written on connect, disconnect and revocation only, never on the broadcast path.
/// </summary>
internal sealed class LocalConnectionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConnectionState> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OrganizationEntry> _organizations = new(StringComparer.Ordinal);
    private readonly RevocationLog _revocations = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Gets the number of revocation requests carried out so far; a connection reads it before it authenticates.</summary>
    public long RevocationGeneration
    {
        get
        {
            lock (_gate)
            {
                return _revocations.Generation;
            }
        }
    }

    /// <summary>
    /// Adds the connection, unless a revocation request carried out since <paramref name="revocationsSince"/> (the
    /// generation it read before it authenticated) applies to it, or its user already has
    /// <paramref name="maxPerUser"/> connections here (the cap less the user's connections on other servers). Checked under the lock <see cref="Revoke"/> records under, so
    /// every request either finds the connection stored or is found by it here. Adding a stored connection again does nothing.
    /// </summary>
    public StoreResult TryAdd(ConnectionState state, int maxPerUser, long revocationsSince)
    {
        lock (_gate)
        {
            if (_byId.ContainsKey(state.ConnectionId))
            {
                return StoreResult.Added;
            }

            if (state.Identity is { } identity)
            {
                switch (_revocations.FindSince(revocationsSince, identity))
                {
                    case RevocationKind.RefreshUserRooms:
                        return StoreResult.Stale;
                    case not null:
                        return StoreResult.Revoked;
                }

                var organization = _organizations.GetValueOrDefault(identity.OrganizationId);
                var states = organization?.Users.GetValueOrDefault(identity.UserId) ?? [];

                // Checked before an entry is made: with the user's connections elsewhere the limit here may be 0.
                if (states.Length >= maxPerUser)
                {
                    return StoreResult.UserAtLimit;
                }

                if (organization is null)
                {
                    _organizations[identity.OrganizationId] = organization = new OrganizationEntry();
                }

                organization.Users[identity.UserId] = [.. states, state];
                organization.Count(identity.TenantId, +1);
            }

            _byId[state.ConnectionId] = state;
            return StoreResult.Added;
        }
    }

    public bool Remove(string connectionId, out ConnectionState? state)
    {
        lock (_gate)
        {
            if (!_byId.Remove(connectionId, out state))
            {
                return false;
            }

            if (state.Identity is { } identity && _organizations.TryGetValue(identity.OrganizationId, out var organization) &&
                organization.Users.TryGetValue(identity.UserId, out var states))
            {
                var removed = state;
                if (states.Length == 1 && ReferenceEquals(states[0], removed))
                {
                    organization.Users.Remove(identity.UserId);
                }
                else
                {
                    organization.Users[identity.UserId] = [.. states.Where(s => !ReferenceEquals(s, removed))];
                }

                organization.Count(identity.TenantId, -1);
                if (organization.Connections == 0)
                {
                    _organizations.Remove(identity.OrganizationId);
                }
            }

            return true;
        }
    }

    /// <summary>The live connection with <paramref name="connectionId"/> on this server, or null.</summary>
    public ConnectionState? Find(string connectionId)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(connectionId);
        }
    }

    /// <summary>This server's connections: all of them (anonymous ones too), one organization's, or one tenant's.</summary>
    public long CountOf(string? organizationId = null, string? tenantId = null)
    {
        lock (_gate)
        {
            return organizationId is null ? _byId.Count
                : !_organizations.TryGetValue(organizationId, out var organization) ? 0
                : tenantId is null ? organization.Connections
                : organization.Tenants.GetValueOrDefault(tenantId);
        }
    }

    /// <summary>This server's counts per organization and tenant, ordered by id; the total counts anonymous connections too.</summary>
    public ConnectionSnapshot Snapshot(string? organizationId = null)
    {
        lock (_gate)
        {
            var organizations = _organizations
                .Where(pair => organizationId is null || string.Equals(pair.Key, organizationId, StringComparison.Ordinal))
                .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new OrganizationConnections(
                    pair.Key,
                    pair.Value.Connections,
                    [.. pair.Value.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new TenantConnections(t.Key, t.Value))]))
                .ToList();
            long total = organizationId is null ? _byId.Count : organizations.Sum(o => o.Connections);
            return new ConnectionSnapshot(total, organizations);
        }
    }

    /// <summary>How many connections <paramref name="userId"/> of <paramref name="organizationId"/> has here.</summary>
    public long ConnectionsOf(string organizationId, string userId)
    {
        lock (_gate)
        {
            return _organizations.TryGetValue(organizationId, out var organization) ? organization.Users.GetValueOrDefault(userId)?.Length ?? 0 : 0;
        }
    }

    /// <summary>The users of <paramref name="organizationId"/> with connections here, and how many each has.</summary>
    public KeyValuePair<string, long>[] UsersOf(string organizationId)
    {
        lock (_gate)
        {
            return _organizations.TryGetValue(organizationId, out var organization)
                ? [.. organization.Users.Select(user => new KeyValuePair<string, long>(user.Key, user.Value.Length))]
                : [];
        }
    }

    /// <summary>
    /// Records a revocation request and returns the live connections it applies to, in one step: a connection still
    /// connecting finds the request when it is added (<see cref="TryAdd"/>).
    /// </summary>
    public ConnectionState[] Revoke(RevocationRequest request)
    {
        lock (_gate)
        {
            _revocations.Record(request);
            if (request.Kind != RevocationKind.DisconnectTenant)
            {
                return _organizations.GetValueOrDefault(request.OrganizationId)?.Users.GetValueOrDefault(request.TargetId) ?? [];
            }

            // Tenant-wide revocation is rare (an admin action); a scan of this server's connections is fine.
            return [.. _byId.Values.Where(s => s.Identity is { } identity && request.AppliesTo(identity))];
        }
    }

    /// <summary>One organization's connections here: its count, its tenants' counts, and each user's connections.</summary>
    private sealed class OrganizationEntry
    {
        public long Connections { get; private set; }

        public Dictionary<string, long> Tenants { get; } = new(StringComparer.Ordinal);

        // A user has a handful of connections at most: an array replaced on change costs less to keep than a list.
        public Dictionary<string, ConnectionState[]> Users { get; } = new(StringComparer.Ordinal);

        public void Count(string? tenantId, int delta)
        {
            Connections += delta;
            if (tenantId is null)
            {
                return;
            }

            var count = Tenants.GetValueOrDefault(tenantId) + delta;
            if (count == 0)
            {
                Tenants.Remove(tenantId);
            }
            else
            {
                Tenants[tenantId] = count;
            }
        }
    }
}
