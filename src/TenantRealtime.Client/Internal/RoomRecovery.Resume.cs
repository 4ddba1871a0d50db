namespace TenantRealtime.Client.Internal;

internal sealed partial class RoomRecovery
{
    /// <summary>
    /// Asks the server for everything after every tracked position (after a reconnect, or when the application
    /// asks). The replays arrive through <see cref="ReceiveAsync"/>; rooms that cannot be recovered are reloaded.
    /// </summary>
    /// <returns>The server's answer, or <see langword="null"/> when there is no connection to ask.</returns>
    public async Task<ResumeResult?> ResumeAllAsync(CancellationToken cancellationToken)
    {
        // Asked even with no positions: the answer proves the server has placed the connection in its rooms.
        var positions = GetPositions();
        var result = await _resume(positions, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        var reloads = new List<ReloadRequiredEventArgs>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ApplyResets();
            foreach (var room in result.Rooms)
            {
                await ApplyResumeResultAsync(room, reloads).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        ClientLog.Resumed(_logger, result.Rooms.Count, result.Rooms.Sum(r => r.Replayed), result.Rooms.Count(r => !r.Recovered));
        await RaiseAsync(reloads).ConfigureAwait(false);
        return result;
    }

    private ITimer StartGapTimer(string room) =>
        _time.CreateTimer(_ => _ = OnGapTimerAsync(room), null, _window, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// The reorder window ran out with a gap still open: ask for it once; if a second window passes from the same
    /// position, what is missing will not come (for example an event the client has no binding for).
    /// </summary>
    private async Task OnGapTimerAsync(string room)
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        RoomPosition? from = null;
        ReloadRequiredEventArgs? reload = null;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ApplyResets();
            if (!_rooms.TryGetValue(room, out var state) || state.Held.Count == 0)
            {
                return;
            }

            state.StopGapTimer();
            if (state.ResumedFrom == state.Applied)
            {
                reload = await RequireReloadAsync(state, ReloadReason.GapNotFilled).ConfigureAwait(false);
            }
            else
            {
                ClientLog.GapResume(_logger, room, state.Applied);
                state.ResumedFrom = state.Applied;
                from = state.Position;
            }
        }
        finally
        {
            _gate.Release();
        }

        if (reload is not null)
        {
            await RaiseAsync([reload]).ConfigureAwait(false);
        }

        if (from is not null)
        {
            await ResumeGapAsync(from).ConfigureAwait(false);
        }
    }

    private async Task ResumeGapAsync(RoomPosition from)
    {
        ResumeResult? result = null;
        var failed = false;
        try
        {
            result = await _resume([from], _disposing.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (_disposing.IsCancellationRequested)
            {
                return;
            }

            // The connection is up (the resume delegate answers null otherwise) yet the server could not answer.
            ClientLog.ResumeFailed(_logger, exception);
            failed = true;
        }

        var reloads = new List<ReloadRequiredEventArgs>();
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ApplyResets();
            if (!_rooms.TryGetValue(from.Room, out var state))
            {
                return;
            }

            if (failed)
            {
                reloads.Add(await RequireReloadAsync(state, ReloadReason.ResumeFailed).ConfigureAwait(false));
            }
            else if (result is null)
            {
                // No connection: the Resume after the reconnect asks from the same position. Try again after that.
                state.ResumedFrom = -1;
                if (state.Held.Count > 0)
                {
                    state.GapTimer ??= StartGapTimer(state.Room);
                }
            }
            else
            {
                foreach (var room in result.Rooms)
                {
                    await ApplyResumeResultAsync(room, reloads).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        await RaiseAsync(reloads).ConfigureAwait(false);
    }

    private async Task ApplyResumeResultAsync(RoomResumeResult result, List<ReloadRequiredEventArgs> reloads)
    {
        if (!_rooms.TryGetValue(result.Room, out var state))
        {
            return;
        }

        if (!result.Recovered)
        {
            var reason = string.Equals(result.Error, TenantRealtimeWire.Errors.Forbidden, StringComparison.Ordinal)
                ? ReloadReason.Forbidden
                : ReloadReason.NotRecovered;
            reloads.Add(await RequireReloadAsync(state, reason).ConfigureAwait(false));
        }
        else if (state.Held.Count > 0)
        {
            // The replays may still be on their way to ReceiveAsync (SignalR completes the call before it has run
            // the handlers of the messages that preceded the answer): give them one more window.
            state.GapTimer ??= StartGapTimer(state.Room);
        }
    }
}
