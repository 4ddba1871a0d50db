using Microsoft.Extensions.Options;
using TenantRealtime.Identity.Internal;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// <see cref="IPresence"/>: a scope's users from the store, ordered, with their connections added up; a scope above the
/// list bound gets its connection count from the <see cref="IConnectionRegistry"/>, which counts without listing.
/// </summary>
internal sealed class PresenceReader(IPresenceStore store, IConnectionRegistry registry, IOptionsMonitor<TenantRealtimeOptions> options) : IPresence
{
    public async ValueTask<PresenceSnapshot> GetAsync(string organizationId, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        if (!settings.EnablePresence)
        {
            throw new InvalidOperationException("Presence is not enabled: set TenantRealtimeOptions.EnablePresence to track who is online.");
        }

        Ids.ThrowIfInvalid(organizationId, settings.MaxIdLength);
        if (tenantId is not null)
        {
            Ids.ThrowIfInvalid(tenantId, settings.MaxIdLength);
        }

        var read = await store.ReadAsync(new PresenceRoom(organizationId, tenantId), settings.MaxPresenceListSize, cancellationToken).ConfigureAwait(false);
        var users = read.Ordered();
        var connections = read.CountsOnly
            ? read.Connections ?? await registry.CountAsync(organizationId, tenantId, cancellationToken).ConfigureAwait(false)
            : users.Sum(user => user.Connections);
        return new PresenceSnapshot(organizationId, tenantId, read.UserCount, connections, read.CountsOnly, users);
    }
}
