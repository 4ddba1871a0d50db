using TenantRealtime.Rooms.Internal;

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
/// This server's live connections, indexed by user so revocation finds them without a scan, and the revocation
/// requests recently carried out here. Written on connect, disconnect and revocation only, never on the broadcast path.
/// </summary>
internal sealed class LocalConnectionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConnectionState> _byId = new(StringComparer.Ordinal);
    // A user has a handful of connections at most: an array replaced on change costs less to keep than a list.
    private readonly Dictionary<string, ConnectionState[]> _byUser = new(StringComparer.Ordinal);
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
    /// every request either finds the connection stored or is found by it here.
    /// </summary>
    public StoreResult TryAdd(ConnectionState state, int maxPerUser, long revocationsSince)
    {
        lock (_gate)
        {
            if (state.Identity is { } identity)
            {
                switch (_revocations.FindSince(revocationsSince, identity))
                {
                    case RevocationKind.RefreshUserRooms:
                        return StoreResult.Stale;
                    case not null:
                        return StoreResult.Revoked;
                }

                var key = UserKey(identity.OrganizationId, identity.UserId);
                var states = _byUser.GetValueOrDefault(key) ?? [];

                // Checked before an entry is made: with the user's connections elsewhere the limit here may be 0.
                if (states.Length >= maxPerUser)
                {
                    return StoreResult.UserAtLimit;
                }

                _byUser[key] = [.. states, state];
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

            if (state.Identity is { } identity)
            {
                var key = UserKey(identity.OrganizationId, identity.UserId);
                if (_byUser.TryGetValue(key, out var states))
                {
                    var removed = state;
                    if (states.Length == 1 && ReferenceEquals(states[0], removed))
                    {
                        _byUser.Remove(key);
                    }
                    else
                    {
                        _byUser[key] = [.. states.Where(s => !ReferenceEquals(s, removed))];
                    }
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
                return _byUser.GetValueOrDefault(UserKey(request.OrganizationId, request.TargetId)) ?? [];
            }

            // Tenant-wide revocation is rare (an admin action); a scan of this server's connections is fine.
            return [.. _byId.Values.Where(s => s.Identity is { } identity && request.AppliesTo(identity))];
        }
    }

    // Validated ids cannot contain ':', so this key is unambiguous.
    private static string UserKey(string organizationId, string userId) => RoomNames.User(organizationId, userId);
}
