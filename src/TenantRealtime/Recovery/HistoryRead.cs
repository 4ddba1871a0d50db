namespace TenantRealtime.Recovery;

/// <summary>A kept broadcast.</summary>
internal sealed record HistoryEntry(string EventName, TenantEnvelope Envelope);

/// <summary>
/// The outcome of a read: <see cref="Recovered"/> is false when the epoch changed or broadcasts after the position
/// are no longer kept; the client must then reload its state.
/// </summary>
internal readonly record struct HistoryRead(bool Recovered, IReadOnlyList<HistoryEntry> Entries)
{
    public static HistoryRead Lost { get; } = new(false, []);
}
