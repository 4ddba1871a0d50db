using System.Collections.Concurrent;
using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Storage;

namespace SampleHost.Status;

/// <summary>
/// Remembers the last announced summary of each scope (an organization's org-wide resources, or one tenant's)
/// and reports the scopes whose indicator or description moved, so a scope's summary state is set only on a change.
/// A scope never seen before counts as "All Systems Operational", the summary of an empty scope.
/// </summary>
internal sealed class StatusTracker(OrganizationStore<Service> services, OrganizationStore<Incident> incidents, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string OrganizationId, string? TenantId), StatusIndicator> announced = new();

    /// <summary>Recomputes the given scopes and returns those that changed. Call inside the organization's gate.</summary>
    public IReadOnlyList<StatusChange> Refresh(string organizationId, IEnumerable<string?> tenantIds)
    {
        var changes = new List<StatusChange>();
        foreach (var tenantId in tenantIds)
        {
            var indicator = Compute(organizationId, tenantId);
            var previous = announced.GetValueOrDefault((organizationId, tenantId), StatusIndicator.None);
            announced[(organizationId, tenantId)] = indicator;
            if (indicator != previous)
            {
                // The description is a function of the indicator, so comparing indicators compares both.
                changes.Add(new StatusChange(organizationId, tenantId, indicator, StatusRules.Describe(indicator), time.GetUtcNow()));
            }
        }

        return changes;
    }

    /// <summary>The scope's summary now, recorded as announced: it goes into the state, which every page starts from.</summary>
    public StatusChange Current(string organizationId, string? tenantId)
    {
        var indicator = Compute(organizationId, tenantId);
        announced[(organizationId, tenantId)] = indicator;
        return new StatusChange(organizationId, tenantId, indicator, StatusRules.Describe(indicator), time.GetUtcNow());
    }

    private StatusIndicator Compute(string organizationId, string? tenantId) => StatusRules.Indicator(
        services.List(organizationId).Where(s => s.TenantId == tenantId),
        incidents.List(organizationId).Where(i => i.TenantId == tenantId && i.IsOpen));
}
