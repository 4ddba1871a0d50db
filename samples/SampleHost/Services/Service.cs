using SampleHost.Storage;

namespace SampleHost.Services;

/// <summary>A monitored service, as the API returns it and as its room's state holds it under its id.</summary>
internal sealed record Service(
    string Id,
    string OrganizationId,
    string? TenantId,
    string Name,
    string? Description,
    string? Group,
    int Position,
    ServiceStatus Status,
    DateTimeOffset UpdatedAt) : IOrganizationResource;
