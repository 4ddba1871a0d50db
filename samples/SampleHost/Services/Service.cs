using SampleHost.Storage;

namespace SampleHost.Services;

/// <summary>A monitored service, as the API returns it and as <c>service-update</c> carries it.</summary>
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
