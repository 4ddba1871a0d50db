using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Presence.Internal;
using Scopes = TenantRealtime.TenantRealtimeWire.Scopes;

namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    private const string PresenceShape = "{scope: \"organization\" | \"tenant\", organizationId?, tenantId?}";

    /// <summary>
    /// <c>GetPresence({scope, organizationId?, tenantId?})</c> → <c>{scope, organizationId, tenantId, userCount,
    /// connectionCount, countsOnly, users: [{userId, displayName, connections, onlineSince}], timestamp}</c>. The ids
    /// default to the connection's own. Members read their own tenant (and their organization when the app shares it),
    /// admins any tenant of their organization and the organization, cross-organization roles any scope; anything else
    /// is <c>forbidden</c>. <c>disabled</c> when presence is off; <c>unavailable</c> when the scale-out cannot be read (a
    /// Redis outage).
    /// </summary>
    public async Task<Dictionary<string, object?>> GetPresence(object? request)
    {
        var argument = Parse(request, nameof(GetPresence), PresenceShape);
        var settings = options.CurrentValue;
        var scope = argument.GetString("scope");
        if (scope is not (Scopes.Organization or Scopes.Tenant))
        {
            throw InvalidArgument(nameof(GetPresence), $"'scope' must be \"{Scopes.Organization}\" or \"{Scopes.Tenant}\".");
        }

        var organizationId = ReadId(argument, "organizationId", nameof(GetPresence));
        var tenantId = ReadId(argument, "tenantId", nameof(GetPresence));
        if (scope == Scopes.Organization && tenantId is not null)
        {
            throw InvalidArgument(nameof(GetPresence), $"'tenantId' names a tenant: ask for scope \"{Scopes.Tenant}\".");
        }

        RequireIdentity(out var identity);
        if (!settings.EnablePresence)
        {
            throw HubErrors.Disabled("presence is not enabled on this server.");
        }

        organizationId ??= identity.OrganizationId;
        if (scope == Scopes.Tenant)
        {
            tenantId ??= identity.TenantId ?? throw InvalidArgument(nameof(GetPresence), "'tenantId' is required: the connection has no tenant of its own.");
        }

        Authorize(identity, organizationId, tenantId, settings);
        PresenceSnapshot snapshot;
        try
        {
            snapshot = await presence.GetAsync(organizationId, tenantId, Context.ConnectionAborted).ConfigureAwait(false);
        }
        catch (TenantRealtimeUnavailableException ex)
        {
            TenantRealtimeLog.PresenceUnavailable(logger, organizationId, tenantId, ex);
            metrics.Refused(Operations.Presence, TenantRealtimeWire.Errors.Unavailable);
            throw HubErrors.Unavailable("presence cannot be read right now (the servers' shared store is unreachable); try again shortly.");
        }

        return PresencePayload.Snapshot(snapshot, scope, Now());
    }

    /// <summary>The same rules as delivery: a scope's presence is for those who receive its events.</summary>
    private void Authorize(TenantIdentity identity, string organizationId, string? tenantId, TenantRealtimeOptions settings)
    {
        var everywhere = settings.CrossOrganizationRoles.Contains(identity.Role);
        var admin = everywhere || settings.AdminRoles.Contains(identity.Role);
        var reason =
            !Same(organizationId, identity.OrganizationId) && !everywhere ? "only a platform admin may see the presence of another organization."
            : tenantId is not null && !admin && !Same(tenantId, identity.TenantId) ? "a member may see the presence of its own tenant only."
            : tenantId is null && !admin && !settings.ShareOrganizationPresenceWithMembers ? "the presence of the whole organization is for its admins."
            : null;
        if (reason is null)
        {
            return;
        }

        var scope = tenantId is null ? $"organization {organizationId}" : $"tenant {tenantId} of organization {organizationId}";
        TenantRealtimeLog.PresenceRefused(logger, identity.UserId, identity.OrganizationId, scope, reason);
        metrics.Refused(Operations.Presence, TenantRealtimeWire.Errors.Forbidden);
        throw HubErrors.Forbidden(reason);
    }

}
