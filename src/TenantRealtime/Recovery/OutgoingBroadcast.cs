using System.Globalization;

namespace TenantRealtime.Recovery;

/// <summary>
/// A broadcast before its room position is known: the history numbers it, then it becomes the envelope. Its
/// <see cref="Scope"/> is the envelope's, as the wire spells it.
/// </summary>
internal readonly record struct OutgoingBroadcast(
    string Scope,
    string? OrganizationId,
    string? TenantId,
    string? UserId,
    string EventName,
    string Type,
    object? Data,
    DateTimeOffset Timestamp)
{
    /// <summary>Gets the topic of a topic broadcast; otherwise <see langword="null"/>.</summary>
    public string? Topic { get; init; }

    public TenantEnvelope ToEnvelope(string room, long? seq, string? epoch) =>
        new(Type, Data, Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), Scope, OrganizationId, TenantId, UserId)
        {
            Room = room,
            Seq = seq,
            Epoch = epoch,
            Topic = Topic,
        };
}
