using System.Runtime.Serialization;

namespace TenantRealtime.Client;

/// <summary>
/// A broadcast as a handler receives it: the envelope's fields with <see cref="Data"/> read as
/// <typeparamref name="TData"/>. The member names are the wire's camelCase names under both the JSON and the
/// MessagePack hub protocols, so the hub protocol reads this type directly.
/// </summary>
/// <typeparam name="TData">The type the payload is read as.</typeparam>
[DataContract]
public sealed class TenantEvent<TData>
{
    /// <summary>Gets what happened, for example <c>created</c>.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Type)]
    public string Type { get; init; } = string.Empty;

    /// <summary>Gets the payload.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Data)]
    public TData? Data { get; init; }

    /// <summary>Gets when the broadcast was sent, ISO-8601 UTC.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Timestamp)]
    public string Timestamp { get; init; } = string.Empty;

    /// <summary>Gets the scope the broadcast was addressed to: <c>all</c>, <c>organization</c>, <c>tenant</c>, <c>user</c> or <c>topic</c> (<see cref="TenantRealtimeWire.Scopes"/>).</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Scope)]
    public string Scope { get; init; } = string.Empty;

    /// <summary>Gets the organization of an organization, tenant, user or topic broadcast.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.OrganizationId)]
    public string? OrganizationId { get; init; }

    /// <summary>Gets the tenant of a tenant broadcast or of a tenant topic's broadcast.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.TenantId)]
    public string? TenantId { get; init; }

    /// <summary>Gets the user of a user broadcast.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.UserId)]
    public string? UserId { get; init; }

    /// <summary>Gets the key of the room the broadcast was sent to, for example <c>tenant:org-a:t1</c>.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Room)]
    public string? Room { get; init; }

    /// <summary>Gets the broadcast's position in its room, or <see langword="null"/> when the server has recovery disabled.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Seq)]
    public long? Seq { get; init; }

    /// <summary>Gets the identity of the room's history, or <see langword="null"/> when the server has recovery disabled.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Epoch)]
    public string? Epoch { get; init; }

    /// <summary>Gets the topic of a topic broadcast (<see cref="Scope"/> <c>topic</c>); otherwise <see langword="null"/>.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Topic)]
    public string? Topic { get; init; }
}
