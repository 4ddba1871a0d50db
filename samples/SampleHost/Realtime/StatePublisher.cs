using System.Collections.Concurrent;
using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Status;
using SampleHost.Storage;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary>
/// Keeps what the page shows as keyed state: in each scope's room (the organization's for org-wide resources, a
/// tenant's for its own) every service under its id, every <em>open</em> incident under its id, and the scope's
/// summary under <see cref="SummaryKey"/>. Only the latest value of each matters: a page starts from it, and a
/// flapping service's flips are merged by the library to at most <c>StateUpdatesPerSecondPerKey</c> per key and second.
/// </summary>
internal sealed class StatePublisher(ITenantState state, OrganizationStore<Service> services, OrganizationStore<Incident> incidents, StatusTracker status)
{
    public const string SummaryKey = "summary";

    // The scopes whose summary this server has set: a scope's first resource sets it even when the summary did not
    // move ("All Systems Operational"), so a room with services always holds its summary.
    private readonly ConcurrentDictionary<(string OrganizationId, string? TenantId), bool> summarized = new();

    /// <summary>The room of a resource or summary scope (<paramref name="tenantId"/> null: the organization's).</summary>
    private static StateRoom RoomOf(string organizationId, string? tenantId) =>
        tenantId is null ? StateRoom.Organization(organizationId) : StateRoom.Tenant(organizationId, tenantId);

    /// <summary>Applies one change. Called inside the organization's gate, so a key's changes are set in order.</summary>
    public async Task PublishAsync(ChangeSet changes, IReadOnlyList<StatusChange> summaries)
    {
        foreach (var (type, service) in changes.Services)
        {
            var room = RoomOf(service.OrganizationId, service.TenantId);
            await (type == ChangeTypes.Deleted
                ? state.RemoveAsync(room, service.Id, CancellationToken.None)
                : state.SetAsync(room, service.Id, service, CancellationToken.None));
        }

        if (changes.Incident is var (incidentType, incident))
        {
            var room = RoomOf(incident.OrganizationId, incident.TenantId);
            await (incidentType == ChangeTypes.Deleted || !incident.IsOpen
                ? state.RemoveAsync(room, incident.Id, CancellationToken.None)
                : SetIncidentAsync(incident, CancellationToken.None));
        }

        var unsummarized = changes.Scopes.Where(t => !summarized.ContainsKey((changes.OrganizationId, t)) && !summaries.Any(s => s.TenantId == t));
        foreach (var summary in summaries.Concat(unsummarized.Select(t => status.Current(changes.OrganizationId, t))).ToList())
        {
            await SetSummaryAsync(summary, CancellationToken.None);
        }
    }

    /// <summary>
    /// An incident's timeline grows with every update (up to 5,000 characters each), past what a state value may hold
    /// (<c>MaxStateValueBytes</c>): then the state keeps its newest updates that fit, halving until they do; the API
    /// has them all. The change is already stored, so failing here would fail a write that happened.
    /// </summary>
    private async Task SetIncidentAsync(Incident incident, CancellationToken cancellationToken)
    {
        var room = RoomOf(incident.OrganizationId, incident.TenantId);
        for (var kept = incident.Updates.Count; ; kept /= 2)
        {
            try
            {
                await state.SetAsync(room, incident.Id, incident with { Updates = [.. incident.Updates.TakeLast(kept)] }, cancellationToken);
                return;
            }
            catch (TenantRealtimeLimitExceededException) when (kept > 0)
            {
                // Too large (or the room is full, which fewer updates cannot fix: the last try rethrows).
            }
        }
    }

    private Task SetSummaryAsync(StatusChange summary, CancellationToken cancellationToken)
    {
        summarized[(summary.OrganizationId, summary.TenantId)] = true;
        return state.SetAsync(RoomOf(summary.OrganizationId, summary.TenantId), SummaryKey, summary, cancellationToken);
    }

    /// <summary>Sets the state of everything stored (at start: the demo data), so the first page has it.</summary>
    public async Task PublishAllAsync(CancellationToken cancellationToken)
    {
        var organizations = services.OrganizationIds().Union(incidents.OrganizationIds(), StringComparer.Ordinal);
        foreach (var organizationId in organizations)
        {
            var open = incidents.List(organizationId).Where(i => i.IsOpen).ToList();
            foreach (var service in services.List(organizationId))
            {
                await state.SetAsync(RoomOf(organizationId, service.TenantId), service.Id, service, cancellationToken);
            }

            foreach (var incident in open)
            {
                await SetIncidentAsync(incident, cancellationToken);
            }

            // The organization's scope always; a tenant's wherever it has something to summarize.
            var scopes = services.List(organizationId).Select(s => s.TenantId).Concat(open.Select(i => i.TenantId))
                .Append(null).Distinct(StringComparer.Ordinal);
            foreach (var tenantId in scopes)
            {
                await SetSummaryAsync(status.Current(organizationId, tenantId), cancellationToken);
            }
        }
    }
}
