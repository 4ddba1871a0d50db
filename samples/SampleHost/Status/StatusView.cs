using SampleHost.Auth;
using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Storage;

namespace SampleHost.Status;

/// <summary><c>GET /api/status</c>: the caller's view, combining every scope it may read.</summary>
internal sealed record StatusView(
    string OrganizationId,
    string? TenantId,
    StatusIndicator Indicator,
    string Description,
    IReadOnlyList<Service> Services,
    IReadOnlyList<Incident> Incidents,
    DateTimeOffset UpdatedAt)
{
    public static StatusView For(Caller caller, OrganizationStore<Service> services, OrganizationStore<Incident> incidents, TimeProvider time)
    {
        var visibleServices = ServiceOrder.Sort(
            services.List(caller.OrganizationId).Where(s => caller.CanRead(s.OrganizationId, s.TenantId))).ToList();
        var openIncidents = incidents.List(caller.OrganizationId)
            .Where(i => i.IsOpen && caller.CanRead(i.OrganizationId, i.TenantId))
            .OrderByDescending(i => i.CreatedAt)
            .ToList();
        var indicator = StatusRules.Indicator(visibleServices, openIncidents);

        // The newest change the caller can see; an empty organization reports "now".
        var updatedAt = visibleServices.Select(s => s.UpdatedAt).Concat(openIncidents.Select(i => i.UpdatedAt))
            .DefaultIfEmpty(time.GetUtcNow()).Max();
        return new StatusView(
            caller.OrganizationId, caller.TenantId, indicator, StatusRules.Describe(indicator), visibleServices, openIncidents, updatedAt);
    }
}
