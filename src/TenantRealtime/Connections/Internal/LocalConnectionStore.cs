using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// This server's live connections, indexed by user so revocation finds them without a scan.
/// Written on connect and disconnect only, never on the broadcast path.
/// </summary>
internal sealed class LocalConnectionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConnectionState> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ConnectionState>> _byUser = new(StringComparer.Ordinal);

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

    /// <summary>Adds the connection unless its user already has <paramref name="maxPerUser"/> connections here.</summary>
    public bool TryAdd(ConnectionState state, int maxPerUser)
    {
        lock (_gate)
        {
            if (state.Identity is { } identity)
            {
                var key = UserKey(identity.OrganizationId, identity.UserId);
                if (!_byUser.TryGetValue(key, out var list))
                {
                    _byUser[key] = list = [];
                }

                if (list.Count >= maxPerUser)
                {
                    return false;
                }

                list.Add(state);
            }

            _byId[state.ConnectionId] = state;
            return true;
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
                if (_byUser.TryGetValue(key, out var list))
                {
                    list.Remove(state);
                    if (list.Count == 0)
                    {
                        _byUser.Remove(key);
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

    public ConnectionState[] OfUser(string organizationId, string userId)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(UserKey(organizationId, userId), out var list) ? [.. list] : [];
        }
    }

    public ConnectionState[] OfTenant(string organizationId, string tenantId)
    {
        lock (_gate)
        {
            // Tenant-wide revocation is rare (an admin action); a scan of this server's connections is fine.
            return [.. _byId.Values.Where(s =>
                s.Identity is { } i &&
                string.Equals(i.OrganizationId, organizationId, StringComparison.Ordinal) &&
                string.Equals(i.TenantId, tenantId, StringComparison.Ordinal))];
        }
    }

    // Validated ids cannot contain ':', so this key is unambiguous.
    private static string UserKey(string organizationId, string userId) => RoomNames.User(organizationId, userId);
}
