namespace TenantRealtime.Delivery;

/// <summary>
/// A replay's place in a connection's queue. <see cref="Written"/> completes when its entries are written (or the
/// connection ends), which is when <c>Resume</c> answers. Used under the owning sender's lock.
/// </summary>
internal sealed class ReplaySlot
{
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<Outgoing> _entries = [];
    private Dictionary<string, long>? _lastSeqByRoom;
    private int _next;

    public bool IsFilled { get; private set; }

    /// <summary>Gets whether any numbered broadcast was replayed.</summary>
    public bool ReplayedAny => _lastSeqByRoom is not null;

    public Task Written => _written.Task;

    public void Fill(IReadOnlyList<Outgoing> entries)
    {
        _entries = entries;
        IsFilled = true;
        foreach (var entry in entries)
        {
            if (entry.Room is { } room)
            {
                _lastSeqByRoom ??= new Dictionary<string, long>(StringComparer.Ordinal);
                _lastSeqByRoom[room] = Math.Max(entry.Seq, _lastSeqByRoom.GetValueOrDefault(room));
            }
        }
    }

    public bool TryTakeEntry(out Outgoing entry)
    {
        if (_next < _entries.Count)
        {
            entry = _entries[_next++];
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>Whether the broadcast <paramref name="seq"/> of <paramref name="room"/> was part of this replay.</summary>
    public bool Replayed(string? room, long seq) =>
        room is not null && _lastSeqByRoom is not null && _lastSeqByRoom.TryGetValue(room, out var last) && seq <= last;

    public void MarkWritten() => _written.TrySetResult();
}
