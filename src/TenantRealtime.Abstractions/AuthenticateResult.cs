using System.Runtime.Serialization;

namespace TenantRealtime;

/// <summary>
/// The answer to <c>Authenticate</c>, also sent as the <c>authenticated</c> event: who the connection is, the rooms it
/// holds and, for each, the room's current position, so a client can resume a room it has received nothing from yet.
/// </summary>
/// <remarks>The member names are the wire's camelCase names under both the JSON and the MessagePack hub protocols.</remarks>
[DataContract]
public sealed class AuthenticateResult
{
    /// <summary>Gets whether the identity was confirmed (a refusal is an error instead).</summary>
    [DataMember(Name = "success")]
    public bool Success { get; init; }

    /// <summary>Gets the connection's id.</summary>
    [DataMember(Name = "clientId")]
    public string ClientId { get; init; } = string.Empty;

    /// <summary>Gets the authenticated user.</summary>
    [DataMember(Name = "userId")]
    public string UserId { get; init; } = string.Empty;

    /// <summary>Gets the organization: the identity's, or one a cross-organization role named and has joined.</summary>
    [DataMember(Name = "organizationId")]
    public string OrganizationId { get; init; } = string.Empty;

    /// <summary>Gets the identity's tenant, if it has one.</summary>
    [DataMember(Name = "tenantId")]
    public string? TenantId { get; init; }

    /// <summary>Gets the identity's role.</summary>
    [DataMember(Name = "role")]
    public string Role { get; init; } = string.Empty;

    /// <summary>Gets the keys of the rooms the connection holds, in ordinal order.</summary>
    [DataMember(Name = "rooms")]
    public IReadOnlyList<string> Rooms { get; init; } = [];

    /// <summary>
    /// Gets the current position of each room in <see cref="Rooms"/>, in the same order: the last seq numbered in the
    /// room (0 if none yet) and its epoch, read once this server hears the room's broadcasts. Empty when the server
    /// has recovery disabled; a room whose position cannot be read now (the scale-out is unreachable) is left out.
    /// </summary>
    [DataMember(Name = TenantRealtimeWire.ResultFields.Positions)]
    public IReadOnlyList<RoomPosition> Positions { get; init; } = [];

    /// <summary>Gets when the server answered, ISO-8601 UTC.</summary>
    [DataMember(Name = "timestamp")]
    public string Timestamp { get; init; } = string.Empty;
}
