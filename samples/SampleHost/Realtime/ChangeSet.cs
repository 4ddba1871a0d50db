using SampleHost.Incidents;
using SampleHost.Services;

namespace SampleHost.Realtime;

/// <summary>Everything one request changed, so it can be announced in the contract's order.</summary>
internal sealed record ChangeSet(string OrganizationId, IReadOnlyList<(string Type, Service Service)> Services, (string Type, Incident Incident)? Incident)
{
    public static ChangeSet ForService(string type, Service service) => new(service.OrganizationId, [(type, service)], null);

    /// <summary>The tenants whose status may have moved; <see langword="null"/> stands for the organization scope.</summary>
    public IEnumerable<string?> Scopes =>
        Services.Select(s => s.Service.TenantId)
            .Concat(Incident is { } i ? [i.Incident.TenantId] : [])
            .Distinct(StringComparer.Ordinal);
}
