using SampleHost.Incidents;
using SampleHost.Services;

namespace SampleHost.Status;

/// <summary>The wire contract's "Status summaries": the worst service wins, raised to any unresolved incident's impact.</summary>
internal static class StatusRules
{
    public static StatusIndicator Indicator(IEnumerable<Service> services, IEnumerable<Incident> unresolvedIncidents)
    {
        var worst = StatusIndicator.None;
        foreach (var service in services)
        {
            worst = Max(worst, Of(service.Status));
        }

        foreach (var incident in unresolvedIncidents)
        {
            worst = Max(worst, Of(incident.Impact));
        }

        return worst;
    }

    public static StatusIndicator Of(ServiceStatus status) => status switch
    {
        ServiceStatus.DegradedPerformance => StatusIndicator.Minor,
        ServiceStatus.PartialOutage => StatusIndicator.Major,
        ServiceStatus.MajorOutage => StatusIndicator.Critical,
        ServiceStatus.UnderMaintenance => StatusIndicator.Maintenance,
        _ => StatusIndicator.None,
    };

    public static StatusIndicator Of(IncidentImpact impact) => impact switch
    {
        IncidentImpact.Minor => StatusIndicator.Minor,
        IncidentImpact.Major => StatusIndicator.Major,
        IncidentImpact.Critical => StatusIndicator.Critical,
        _ => StatusIndicator.None,
    };

    /// <summary>The impact an incident gets from the services it affects, when it is not given.</summary>
    public static IncidentImpact ImpactOf(IEnumerable<ServiceStatus> statuses) =>
        statuses.Select(Of).DefaultIfEmpty(StatusIndicator.None).Max() switch
        {
            StatusIndicator.Critical => IncidentImpact.Critical,
            StatusIndicator.Major => IncidentImpact.Major,
            StatusIndicator.Minor => IncidentImpact.Minor,
            _ => IncidentImpact.None,
        };

    /// <summary>Statuspage's wording.</summary>
    public static string Describe(StatusIndicator indicator) => indicator switch
    {
        StatusIndicator.Minor => "Partially Degraded Service",
        StatusIndicator.Major => "Partial System Outage",
        StatusIndicator.Critical => "Major System Outage",
        StatusIndicator.Maintenance => "Service Under Maintenance",
        _ => "All Systems Operational",
    };

    private static StatusIndicator Max(StatusIndicator a, StatusIndicator b) => a > b ? a : b;
}
