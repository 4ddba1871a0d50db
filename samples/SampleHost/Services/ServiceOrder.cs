namespace SampleHost.Services;

/// <summary>The order a status page lists services in: by group (ungrouped last), then position, then name.</summary>
internal static class ServiceOrder
{
    public static IEnumerable<Service> Sort(IEnumerable<Service> services) => services
        .OrderBy(s => s.Group is null)
        .ThenBy(s => s.Group, StringComparer.Ordinal)
        .ThenBy(s => s.Position)
        .ThenBy(s => s.Name, StringComparer.Ordinal)
        .ThenBy(s => s.Id, StringComparer.Ordinal);
}
