using System.Text.Json.Nodes;
using SampleHost.Api;
using SampleHost.Services;

namespace SampleHost.Incidents;

/// <summary><c>POST /api/incidents</c>.</summary>
internal sealed record IncidentDraft(
    string Name,
    IncidentStatus Status,
    IncidentImpact? Impact,
    string? Message,
    IReadOnlyDictionary<string, ServiceStatus> ServiceStatuses,
    Optional<string?> TenantId);

/// <summary><c>PATCH /api/incidents/{id}</c>: a merge patch of name, status and impact.</summary>
internal sealed record IncidentPatch(Optional<string> Name, Optional<IncidentStatus> Status, Optional<IncidentImpact> Impact, Optional<string?> TenantId);

/// <summary><c>POST /api/incidents/{id}/updates</c>.</summary>
internal sealed record IncidentUpdateDraft(IncidentStatus? Status, string Body, IReadOnlyDictionary<string, ServiceStatus> ServiceStatuses);

/// <summary>Reads incident bodies, collecting every field error.</summary>
internal static class IncidentInput
{
    public const int MaxName = 200;
    public const int MaxBody = 5000;

    public static IncidentDraft? ReadDraft(JsonObject body, FieldErrors errors)
    {
        var fields = new BodyFields(body, errors);
        var draft = new IncidentDraft(
            fields.String("name", required: true, MaxName) ?? string.Empty,
            fields.Enum<IncidentStatus>("status") ?? IncidentStatus.Investigating,
            fields.Enum<IncidentImpact>("impact"),
            fields.String("message", required: false, MaxBody),
            fields.EnumMap<ServiceStatus>("serviceStatuses"),
            ServiceInput.ReadTenantId(fields));
        return errors.Any ? null : draft;
    }

    public static IncidentPatch? ReadPatch(JsonObject body, FieldErrors errors)
    {
        var fields = new BodyFields(body, errors);
        var patch = new IncidentPatch(
            fields.NotNull("name", () => fields.String("name", required: true, MaxName)),
            fields.NotNull("status", () => fields.Enum<IncidentStatus>("status")),
            fields.NotNull("impact", () => fields.Enum<IncidentImpact>("impact")),
            ServiceInput.ReadTenantId(fields));
        return errors.Any ? null : patch;
    }

    public static IncidentUpdateDraft? ReadUpdate(JsonObject body, FieldErrors errors)
    {
        var fields = new BodyFields(body, errors);
        var update = new IncidentUpdateDraft(
            fields.Enum<IncidentStatus>("status"),
            fields.String("body", required: true, MaxBody) ?? string.Empty,
            fields.EnumMap<ServiceStatus>("serviceStatuses"));
        return errors.Any ? null : update;
    }
}
