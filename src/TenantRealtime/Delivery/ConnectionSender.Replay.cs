namespace TenantRealtime.Delivery;

/// <summary>
/// Replays for <c>Resume</c>: a slot is queued first, so live broadcasts that arrive while the history is read wait
/// behind it; its entries are written one by one as the client reads them and never count against the bound (a
/// resuming client is not cut loose again for what it asked for).
/// </summary>
internal sealed partial class ConnectionSender
{
    /// <summary>Reserves the place of a replay: everything sent from now on is written after it.</summary>
    public ReplaySlot BeginReplay()
    {
        var slot = new ReplaySlot();
        lock (_sync)
        {
            if (_closed)
            {
                slot.MarkWritten();
                return slot;
            }

            EnqueueLocked(new Outgoing(slot));
        }

        // Idle: the slot is at the head and has no entries yet, so the role is taken only to be parked on it.
        if (Interlocked.CompareExchange(ref _state, Writing, Idle) == Idle)
        {
            WriteQueued();
        }

        return slot;
    }

    /// <summary>Gives the slot its entries (possibly none) and writes them once their turn comes.</summary>
    public void CompleteReplay(ReplaySlot slot, IReadOnlyList<Outgoing> entries)
    {
        lock (_sync)
        {
            if (_closed)
            {
                slot.MarkWritten();
                return;
            }

            slot.Fill(entries);
            if (!_parked)
            {
                return;
            }

            _parked = false;
        }

        WriteQueued();
    }
}
