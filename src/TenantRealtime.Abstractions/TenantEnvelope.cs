using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace TenantRealtime;

/// <summary>
/// What every broadcast carries on the wire: <c>{type, data, timestamp, scope, organizationId, tenantId, userId,
/// room, seq, epoch}</c>. The member names are camelCase under both the JSON and the MessagePack hub protocols.
/// </summary>
[DataContract]
public sealed class TenantEnvelope
{
    /// <summary>Creates an envelope.</summary>
    /// <param name="type">What happened, for example <c>created</c>.</param>
    /// <param name="data">The payload.</param>
    /// <param name="timestamp">When it was sent, ISO-8601 UTC.</param>
    /// <param name="scope">The scope: <c>all</c>, <c>organization</c>, <c>tenant</c> or <c>user</c>.</param>
    /// <param name="organizationId">The organization of an organization, tenant or user broadcast.</param>
    /// <param name="tenantId">The tenant of a tenant broadcast.</param>
    /// <param name="userId">The user of a user broadcast.</param>
    public TenantEnvelope(string type, object? data, string timestamp, string scope, string? organizationId, string? tenantId, string? userId)
    {
        Type = type;
        Data = data;
        Timestamp = timestamp;
        Scope = scope;
        OrganizationId = organizationId;
        TenantId = tenantId;
        UserId = userId;
    }

    /// <summary>Gets what happened, for example <c>created</c>.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Type)]
    public string Type { get; }

    /// <summary>Gets the payload.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Data)]
    public object? Data { get; }

    /// <summary>Gets when the broadcast was sent, ISO-8601 UTC (for example <c>2026-01-31T12:00:00.0000000Z</c>).</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Timestamp)]
    public string Timestamp { get; }

    /// <summary>Gets the scope the broadcast was addressed to: <c>all</c>, <c>organization</c>, <c>tenant</c>, <c>user</c> or <c>topic</c> (<see cref="TenantRealtimeWire.Scopes"/>).</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Scope)]
    public string Scope { get; }

    /// <summary>Gets the organization of an organization, tenant or user broadcast.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.OrganizationId)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrganizationId { get; }

    /// <summary>Gets the tenant of a tenant broadcast.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.TenantId)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TenantId { get; }

    /// <summary>Gets the user of a user broadcast.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.UserId)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UserId { get; }

    /// <summary>
    /// Gets the opaque, stable key of the room the broadcast was sent to (for example <c>tenant:org-a:t1</c>, or
    /// <c>all</c>). A client keeps its position per room and names it in <c>Resume</c>.
    /// </summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Room)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Room { get; init; }

    /// <summary>
    /// Gets the broadcast's position in its room: 1, 2, 3, … without gaps across the whole cluster, or
    /// <see langword="null"/> when missed-message recovery is disabled.
    /// </summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Seq)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seq { get; init; }

    /// <summary>
    /// Gets the identity of the room's history; it changes when that history is lost (then positions of the old
    /// epoch cannot be resumed), or <see langword="null"/> when recovery is disabled.
    /// </summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Epoch)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Epoch { get; init; }

    /// <summary>Gets the topic of a topic broadcast (scope <c>topic</c>); otherwise <see langword="null"/>.</summary>
    [DataMember(Name = TenantRealtimeWire.EnvelopeFields.Topic)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Topic { get; init; }
}
