using System.Globalization;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>A broadcast before its room position is known: the history numbers it, then it becomes the envelope.</summary>
internal readonly record struct OutgoingBroadcast(
    BroadcastScope Scope,
    string? OrganizationId,
    string? TenantId,
    string? UserId,
    string EventName,
    string Type,
    object? Data,
    DateTimeOffset Timestamp)
{
    public TenantEnvelope ToEnvelope(string room, long? seq, string? epoch) =>
        new(Type, Data, Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), ScopeNames.Of(Scope), OrganizationId, TenantId, UserId)
        {
            Room = room,
            Seq = seq,
            Epoch = epoch,
        };

    public BroadcastReceipt ToReceipt(TenantEnvelope envelope) =>
        new(Scope, OrganizationId, TenantId, UserId, EventName, Type, Timestamp) { Room = envelope.Room!, Seq = envelope.Seq, Epoch = envelope.Epoch };
}
