namespace SampleHost.Status;

/// <summary>One scope's summary, the value of its room's <c>summary</c> state key (<see cref="TenantId"/> null: the organization scope).</summary>
internal sealed record StatusChange(string OrganizationId, string? TenantId, StatusIndicator Indicator, string Description, DateTimeOffset UpdatedAt);
