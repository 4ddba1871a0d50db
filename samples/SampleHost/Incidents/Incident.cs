using System.Text.Json.Serialization;
using SampleHost.Services;
using SampleHost.Storage;

namespace SampleHost.Incidents;

/// <summary>An incident with its updates (oldest first), as the API returns it and as <c>incident-update</c> and the state (open ones) carry it.</summary>
internal sealed record Incident(
    string Id,
    string OrganizationId,
    string? TenantId,
    string Name,
    IncidentStatus Status,
    IncidentImpact Impact,
    IReadOnlyList<string> AffectedServiceIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? MonitoringAt,
    DateTimeOffset? ResolvedAt,
    IReadOnlyList<IncidentUpdate> Updates) : IOrganizationResource
{
    [JsonIgnore]
    public bool IsOpen => Status != IncidentStatus.Resolved;
}

/// <summary>One posted update: the status it moved the incident to, its text, and the services it moved.</summary>
internal sealed record IncidentUpdate(
    string Id,
    IncidentStatus Status,
    string Body,
    IReadOnlyDictionary<string, ServiceStatus>? ServiceStatuses,
    DateTimeOffset CreatedAt);
