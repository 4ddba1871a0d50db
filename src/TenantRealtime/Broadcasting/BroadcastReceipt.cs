namespace TenantRealtime;

/// <summary>What <see cref="ITenantBroadcaster"/> sent.</summary>
/// <param name="Scope">The scope the broadcast was addressed to.</param>
/// <param name="OrganizationId">The organization, for organization, tenant and user scopes.</param>
/// <param name="TenantId">The tenant, for the tenant scope.</param>
/// <param name="UserId">The user, for the user scope.</param>
/// <param name="EventName">The client-side event name.</param>
/// <param name="Type">The envelope <c>type</c>.</param>
/// <param name="Timestamp">The envelope <c>timestamp</c>, from the configured <see cref="TimeProvider"/>.</param>
public sealed record BroadcastReceipt(
    BroadcastScope Scope,
    string? OrganizationId,
    string? TenantId,
    string? UserId,
    string EventName,
    string Type,
    DateTimeOffset Timestamp)
{
    /// <summary>Gets the key of the room the broadcast went to (the envelope's <c>room</c>).</summary>
    public string Room { get; init; } = "";

    /// <summary>Gets the broadcast's sequence number in its room, or <see langword="null"/> when recovery is disabled.</summary>
    public long? Seq { get; init; }

    /// <summary>Gets the epoch of the room's history, or <see langword="null"/> when recovery is disabled.</summary>
    public string? Epoch { get; init; }

    /// <summary>Gets the topic of a <see cref="BroadcastScope.Topic"/> broadcast (its tenant, if any, is <see cref="TenantId"/>); otherwise <see langword="null"/>.</summary>
    public string? Topic { get; init; }
}
