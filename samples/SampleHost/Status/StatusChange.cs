namespace SampleHost.Status;

/// <summary>The <c>status-update</c> payload: one scope's new summary (<see cref="TenantId"/> null: the organization scope).</summary>
internal sealed record StatusChange(string OrganizationId, string? TenantId, StatusIndicator Indicator, string Description, DateTimeOffset UpdatedAt);
