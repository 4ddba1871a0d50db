using SampleHost.Status;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary>
/// Announces a change. What is (services, open incidents, summaries) goes out as keyed state only
/// (<see cref="StatePublisher"/>): a service that flaps sends each page its latest status at the library's rate bound,
/// never one message per flip. What happened goes out as broadcasts after it: an incident's new update
/// (<c>incident-update</c>, the page's event log) and a resource created in a tenant (<c>tenant-update</c>, so an
/// admin's page reads that tenant's state: the library sends an admin a tenant's state only once it has read it). An
/// incident's update also goes to its topic (<see cref="IncidentTopic"/>), for the pages that have its view open. Called
/// inside the organization's gate, so changes never interleave.
/// </summary>
internal sealed class ChangePublisher(ITenantBroadcaster broadcaster, StatusTracker status, StatePublisher state)
{
    /// <remarks>
    /// No cancellation token on purpose: the change is already stored, and a client that disconnected must not
    /// leave every other client without it.
    /// </remarks>
    public async Task PublishAsync(ChangeSet changes)
    {
        var organizationId = changes.OrganizationId;
        await state.PublishAsync(changes, status.Refresh(organizationId, changes.Scopes));

        // Only a creation turns a tenant with nothing to show (not in GET /api/status/tenants) into one with something.
        var created = changes.Services.Where(s => s.Type == ChangeTypes.Created).Select(s => s.Service.TenantId)
            .Concat(changes.Incident is (ChangeTypes.Created, var opened) ? [opened.TenantId] : [])
            .OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var tenantId in created)
        {
            await broadcaster.BroadcastToTenantAsync(organizationId, tenantId, EventNames.TenantUpdate, ChangeTypes.Created,
                new TenantAppeared(organizationId, tenantId), CancellationToken.None);
        }

        if (changes.Incident is var (type, incident))
        {
            await (incident.TenantId is null
                ? broadcaster.BroadcastToOrganizationAsync(organizationId, EventNames.IncidentUpdate, type, incident, CancellationToken.None)
                : broadcaster.BroadcastToTenantAsync(organizationId, incident.TenantId, EventNames.IncidentUpdate, type, incident, CancellationToken.None));

            // The scope's broadcast keeps every page's event log; the topic's reaches the open incident views, in the
            // topic's own order, resumed after a reconnect like any room's.
            await broadcaster.BroadcastToTopicAsync(IncidentTopic.Of(incident), EventNames.IncidentUpdate, type, incident, CancellationToken.None);
        }
    }
}

/// <summary>The <c>tenant-update</c> payload: a tenant that has a new service or incident in its room's state.</summary>
internal sealed record TenantAppeared(string OrganizationId, string TenantId);
