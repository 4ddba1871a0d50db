using SampleHost.Status;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary>
/// Announces a change: service-update(s), then incident-update, then status-update for every scope whose summary
/// moved. A resource with a tenant goes to that tenant (and its organization's admins); one without, to the
/// whole organization. Called inside the organization's gate, so changes never interleave.
/// </summary>
internal sealed class ChangePublisher(ITenantBroadcaster broadcaster, StatusTracker status)
{
    /// <remarks>
    /// No cancellation token on purpose: the change is already stored, and a client that disconnected must not
    /// leave every other client without the event.
    /// </remarks>
    public async Task PublishAsync(ChangeSet changes)
    {
        foreach (var (type, service) in changes.Services)
        {
            await SendAsync(service.OrganizationId, service.TenantId, EventNames.ServiceUpdate, type, service);
        }

        if (changes.Incident is var (incidentType, incident))
        {
            await SendAsync(incident.OrganizationId, incident.TenantId, EventNames.IncidentUpdate, incidentType, incident);
        }

        foreach (var change in status.Refresh(changes.OrganizationId, changes.Scopes))
        {
            await SendAsync(change.OrganizationId, change.TenantId, EventNames.StatusUpdate, ChangeTypes.Changed, change);
        }
    }

    private Task<BroadcastReceipt> SendAsync(string organizationId, string? tenantId, string eventName, string type, object data) =>
        tenantId is null
            ? broadcaster.BroadcastToOrganizationAsync(organizationId, eventName, type, data, CancellationToken.None)
            : broadcaster.BroadcastToTenantAsync(organizationId, tenantId, eventName, type, data, CancellationToken.None);
}
