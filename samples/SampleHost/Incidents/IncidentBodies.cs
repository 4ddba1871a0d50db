using SampleHost.Services;

namespace SampleHost.Incidents;

// The request bodies, for the OpenAPI document only: bodies are read by hand (see Api/JsonBody) so malformed JSON
// and field errors become problem details and a merge patch can tell "absent" from "null".

internal sealed record IncidentBody(
    string Name,
    IncidentStatus? Status,
    IncidentImpact? Impact,
    string? Message,
    IReadOnlyDictionary<string, ServiceStatus>? ServiceStatuses,
    string? TenantId);

internal sealed record IncidentPatchBody(string? Name, IncidentStatus? Status, IncidentImpact? Impact);

internal sealed record IncidentUpdateBody(IncidentStatus? Status, string Body, IReadOnlyDictionary<string, ServiceStatus>? ServiceStatuses);
