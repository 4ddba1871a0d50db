namespace SampleHost.Storage;

/// <summary>A resource owned by one organization and, optionally, one tenant of it.</summary>
internal interface IOrganizationResource
{
    string Id { get; }

    string OrganizationId { get; }

    /// <summary>The owning tenant, or <see langword="null"/> for an organization-wide resource.</summary>
    string? TenantId { get; }
}
