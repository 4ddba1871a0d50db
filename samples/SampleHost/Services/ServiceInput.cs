using System.Text.Json.Nodes;
using SampleHost.Api;

namespace SampleHost.Services;

/// <summary>A service body for create (POST) and replace (PUT).</summary>
internal sealed record ServiceDraft(string Name, string? Description, string? Group, int? Position, ServiceStatus Status, Optional<string?> TenantId);

/// <summary>A merge patch of a service: only the fields present change.</summary>
internal sealed record ServicePatch(
    Optional<string> Name,
    Optional<string?> Description,
    Optional<string?> Group,
    Optional<int> Position,
    Optional<ServiceStatus> Status,
    Optional<string?> TenantId);

/// <summary>Reads service bodies, collecting every field error.</summary>
internal static class ServiceInput
{
    public const int MaxName = 100;
    public const int MaxDescription = 500;
    public const int MaxGroup = 100;

    public static ServiceDraft? ReadDraft(JsonObject body, FieldErrors errors)
    {
        var fields = new BodyFields(body, errors);
        var name = fields.String("name", required: true, MaxName);
        var description = fields.String("description", required: false, MaxDescription);
        var group = fields.String("group", required: false, MaxGroup);
        var position = fields.Integer("position");
        var status = fields.Enum<ServiceStatus>("status") ?? ServiceStatus.Operational;
        var tenantId = ReadTenantId(fields);
        return errors.Any ? null : new ServiceDraft(name!, description, group, position, status, tenantId);
    }

    public static ServicePatch? ReadPatch(JsonObject body, FieldErrors errors)
    {
        var fields = new BodyFields(body, errors);
        var patch = new ServicePatch(
            fields.NotNull("name", () => fields.String("name", required: true, MaxName)),
            fields.NullableString("description", MaxDescription),
            fields.NullableString("group", MaxGroup),
            fields.NotNull("position", () => fields.Integer("position")),
            fields.NotNull("status", () => fields.Enum<ServiceStatus>("status")),
            ReadTenantId(fields));
        return errors.Any ? null : patch;
    }

    /// <summary>Absent: unset; null: org-wide; otherwise a valid tenant id.</summary>
    public static Optional<string?> ReadTenantId(BodyFields fields) =>
        !fields.Has("tenantId") ? Optional<string?>.Unset
        : fields.Raw("tenantId") is null ? Optional<string?>.Of(null)
        : Optional<string?>.Of(fields.Id("tenantId"));
}
