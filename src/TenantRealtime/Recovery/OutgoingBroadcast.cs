using System.Globalization;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Recovery;

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
}
