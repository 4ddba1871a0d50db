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
        lock (_lock)
        {
            if (_closed)
            {
                slot.MarkWritten();
                return slot;
            }

            (_queue ??= new Queue<Outgoing>()).Enqueue(new Outgoing(slot));
            if (!_writing)
            {
                // The slot is at the head and has no entries yet: hold the role without writing.
                _writing = true;
                _parked = true;
            }
        }

        return slot;
    }

    /// <summary>Gives the slot its entries (possibly none) and writes them once their turn comes.</summary>
    public void CompleteReplay(ReplaySlot slot, IReadOnlyList<Outgoing> entries)
    {
        lock (_lock)
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

        if (TryTakeNext(out var next))
        {
            Write(next.WriteTo(Connection));
        }
    }
}
