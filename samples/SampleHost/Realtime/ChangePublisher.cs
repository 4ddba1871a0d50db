using SampleHost.Status;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary>
/// Announces a change: service-update(s), then incident-update, then status-update for every scope whose summary
/// moved. A resource with a tenant goes to that tenant (and its organization's admins); one without, to the
/// whole organization. Called inside the organization's gate, so changes never interleave. The same change then goes
/// into the scope's keyed state (<see cref="StatePublisher"/>), which is what the page renders: the broadcasts stay
/// the contract's events, for the page's event log and the API's own users.
/// </summary>
internal sealed class ChangePublisher(ITenantBroadcaster broadcaster, StatusTracker status, StatePublisher state)
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

        var summaries = status.Refresh(changes.OrganizationId, changes.Scopes);
        foreach (var change in summaries)
        {
            await SendAsync(change.OrganizationId, change.TenantId, EventNames.StatusUpdate, ChangeTypes.Changed, change);
        }

        await state.PublishAsync(changes, summaries);
    }

    private Task<BroadcastReceipt> SendAsync(string organizationId, string? tenantId, string eventName, string type, object data) =>
        tenantId is null
            ? broadcaster.BroadcastToOrganizationAsync(organizationId, eventName, type, data, CancellationToken.None)
            : broadcaster.BroadcastToTenantAsync(organizationId, tenantId, eventName, type, data, CancellationToken.None);
}
