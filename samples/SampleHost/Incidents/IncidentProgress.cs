using SampleHost.Services;

namespace SampleHost.Incidents;

/// <summary>
/// Moves an incident to a status and works out which services change with it. Resolving returns every affected
/// service to operational unless the same update names its status.
/// </summary>
internal static class IncidentProgress
{
    public static (Incident Incident, Dictionary<string, ServiceStatus> ServiceTargets, bool Resolved) Advance(
        Incident current, IncidentStatus status, IReadOnlyDictionary<string, ServiceStatus> named, DateTimeOffset now)
    {
        var targets = new Dictionary<string, ServiceStatus>(named, StringComparer.Ordinal);
        var affected = current.AffectedServiceIds.Union(named.Keys, StringComparer.Ordinal).ToList();
        var resolving = status == IncidentStatus.Resolved && current.Status != IncidentStatus.Resolved;
        if (resolving)
        {
            foreach (var id in affected)
            {
                targets.TryAdd(id, ServiceStatus.Operational);
            }
        }

        var next = current with
        {
            Status = status,
            AffectedServiceIds = affected,
            UpdatedAt = now,
            MonitoringAt = status == IncidentStatus.Monitoring ? current.MonitoringAt ?? now : current.MonitoringAt,

            // Reopening a resolved incident clears resolvedAt: it is unresolved again.
            ResolvedAt = status == IncidentStatus.Resolved ? current.ResolvedAt ?? now : null,
        };
        return (next, targets, resolving);
    }
}
