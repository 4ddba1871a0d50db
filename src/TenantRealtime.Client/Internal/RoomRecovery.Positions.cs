namespace TenantRealtime.Client.Internal;

internal sealed partial class RoomRecovery
{
    /// <summary>
    /// Takes the server's current positions (from <c>Authenticate</c>) for the rooms the client knows nothing of yet,
    /// so a room that has sent nothing so far can still be resumed from where it stood. A room already tracked keeps
    /// its own position: the server's is later, and taking it would skip what was missed.
    /// </summary>
    /// <returns>How many rooms were new.</returns>
    public async Task<int> LearnAsync(IReadOnlyList<RoomPosition> positions, CancellationToken cancellationToken)
    {
        var learned = 0;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ApplyResets();
            foreach (var position in positions)
            {
                var state = GetOrAddRoom(position.Room);
                if (state.Epoch is not null)
                {
                    continue;
                }

                // Anything at or below the position that still arrives live is dropped as a duplicate; anything
                // after it is applied in order (or held until the gap fills), as after any applied broadcast.
                lock (_rooms)
                {
                    state.Epoch = position.Epoch;
                    state.Applied = position.Seq;
                }

                state.Rebase = false;
                learned++;
            }
        }
        finally
        {
            _gate.Release();
        }

        return learned;
    }

    /// <summary>
    /// Stops tracking a room the connection left (a topic unsubscribed or taken away): its position and what is held for
    /// it go, so <c>Resume</c> no longer names it; a later broadcast of it starts it afresh.
    /// </summary>
    public async Task ForgetAsync(string room)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ApplyResets();
            lock (_rooms)
            {
                if (_rooms.Remove(room, out var state))
                {
                    state.Held.Clear();
                    state.StopGapTimer();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
