using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Client.Internal;

/// <summary>
/// The client's half of missed-message recovery: keeps each room's position (what <c>Resume</c> sends) and applies
/// broadcasts once each and in seq order per room. A broadcast at or below the room's position is a
/// duplicate (a replay of something applied) and is dropped; one that skips ahead is held until the gap fills, for
/// at most the reorder window, after which the gap is asked for with <c>Resume</c>; what cannot be recovered
/// becomes a reload request. Broadcasts without a position (recovery disabled on the server) pass straight through.
/// </summary>
/// <remarks>
/// One gate serializes every application of a broadcast, so handlers run one at a time in order. Nothing awaits
/// the server while holding it: replays of a <c>Resume</c> arrive through <see cref="ReceiveAsync"/> like any
/// broadcast, and would wait forever behind a holder that waits for that <c>Resume</c>. Reload requests are raised
/// after the gate is released for the same reason (a handler may call back into the client).
/// <para>
/// Not called a sequencer: it numbers nothing (the server does), and the Redis package's per-room reordering is
/// another job. The TypeScript client's <c>RoomRecovery</c> is the same algorithm.
/// </para>
/// </remarks>
internal sealed partial class RoomRecovery : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _resets = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<RoomPosition>, CancellationToken, Task<ResumeResult?>> _resume;
    private readonly Func<ReloadRequiredEventArgs, Task> _reload;
    private readonly ILogger _logger;

    /// <param name="window">How long a broadcast that skips ahead is held before the gap is resumed.</param>
    /// <param name="time">The clock of the window.</param>
    /// <param name="resume">Invokes <c>Resume</c>; returns <see langword="null"/> when there is no connection to ask.</param>
    /// <param name="reload">Tells the application a room must be reloaded.</param>
    /// <param name="logger">The client's logger.</param>
    public RoomRecovery(
        TimeSpan window,
        TimeProvider time,
        Func<IReadOnlyList<RoomPosition>, CancellationToken, Task<ResumeResult?>> resume,
        Func<ReloadRequiredEventArgs, Task> reload,
        ILogger logger)
    {
        _window = window;
        _time = time;
        _resume = resume;
        _reload = reload;
        _logger = logger;
    }

    /// <summary>Gets the position of every room tracked, as <c>Resume</c> takes them.</summary>
    public IReadOnlyList<RoomPosition> GetPositions()
    {
        lock (_rooms)
        {
            return [.. _rooms.Values.Select(r => r.Position).OfType<RoomPosition>()];
        }
    }

    /// <summary>Drops what is held for the room and lets its next broadcast start afresh; applied at the next broadcast.</summary>
    public void ResetRoom(string room) => _resets.Enqueue(room);

    /// <summary>Applies, holds or drops one received broadcast.</summary>
    public async Task ReceiveAsync(InboundEnvelope envelope)
    {
        ReloadRequiredEventArgs? reload;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ApplyResets();
            reload = await ReceiveCoreAsync(envelope).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (reload is not null)
        {
            await RaiseAsync([reload]).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _disposing.Cancel();
        lock (_rooms)
        {
            foreach (var room in _rooms.Values)
            {
                room.StopGapTimer();
            }
        }
    }

    private async Task<ReloadRequiredEventArgs?> ReceiveCoreAsync(InboundEnvelope envelope)
    {
        if (!envelope.IsTracked)
        {
            await envelope.Apply().ConfigureAwait(false);
            return null;
        }

        var state = GetOrAddRoom(envelope.Room!);
        var seq = envelope.Seq!.Value;
        if (state.Epoch is not null && !string.Equals(state.Epoch, envelope.Epoch, StringComparison.Ordinal))
        {
            // The room's history was lost on the server: seq counts again from a new start and anything between
            // our position and this broadcast is gone. Apply what we hold (it is newer than what we applied).
            ReloadRequiredEventArgs? reload = null;
            if (!state.Rebase)
            {
                reload = await RequireReloadAsync(state, ReloadReason.EpochChanged).ConfigureAwait(false);
            }

            state.Held.Clear();
            state.Rebase = false;
            await ApplyAsync(state, envelope).ConfigureAwait(false);
            return reload;
        }

        if (state.Epoch is not null && seq <= state.Applied)
        {
            ClientLog.DuplicateDropped(_logger, state.Room, seq, state.Applied);
            return null;
        }

        if (state.Rebase || seq == state.Applied + 1)
        {
            state.Rebase = false;
            await ApplyAsync(state, envelope).ConfigureAwait(false);
            await DrainAsync(state).ConfigureAwait(false);
            return null;
        }

        if (state.Held.TryAdd(seq, envelope))
        {
            ClientLog.EnvelopeHeld(_logger, state.Room, seq, state.Applied);
        }
        else
        {
            ClientLog.DuplicateDropped(_logger, state.Room, seq, state.Applied);
        }

        state.GapTimer ??= StartGapTimer(state.Room);
        return null;
    }

    /// <summary>Applies the held broadcasts that now follow the position without a gap.</summary>
    private async Task DrainAsync(RoomState state)
    {
        while (state.Held.Count > 0)
        {
            var (seq, next) = First(state.Held);
            if (seq > state.Applied + 1)
            {
                break;
            }

            state.Held.Remove(seq);
            if (seq <= state.Applied)
            {
                ClientLog.DuplicateDropped(_logger, state.Room, seq, state.Applied);
                continue;
            }

            await ApplyAsync(state, next).ConfigureAwait(false);
        }

        if (state.Held.Count == 0)
        {
            state.StopGapTimer();
            state.ResumedFrom = -1;
        }
        else
        {
            state.GapTimer ??= StartGapTimer(state.Room);
        }
    }

    private async Task ApplyAsync(RoomState state, InboundEnvelope envelope)
    {
        lock (_rooms)
        {
            state.Epoch = envelope.Epoch;
            state.Applied = envelope.Seq!.Value;
        }

        await envelope.Apply().ConfigureAwait(false);
    }

    /// <summary>
    /// Gives up on a gap: applies what is held (it is newer than anything lost), lets the next broadcast start the
    /// room afresh, and returns the request to raise once the gate is released.
    /// </summary>
    private async Task<ReloadRequiredEventArgs> RequireReloadAsync(RoomState state, ReloadReason reason)
    {
        foreach (var (seq, held) in state.Held)
        {
            if (seq > state.Applied)
            {
                await ApplyAsync(state, held).ConfigureAwait(false);
            }
        }

        state.Held.Clear();
        state.StopGapTimer();
        state.ResumedFrom = -1;
        state.Rebase = true;
        if (reason == ReloadReason.Forbidden)
        {
            lock (_rooms)
            {
                _rooms.Remove(state.Room);
            }
        }

        ClientLog.ReloadRequired(_logger, state.Room, reason);
        return new ReloadRequiredEventArgs(state.Room, reason);
    }

    private async Task RaiseAsync(IEnumerable<ReloadRequiredEventArgs> reloads)
    {
        foreach (var reload in reloads)
        {
            try
            {
                await _reload(reload).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The application's handler must not stop the others, nor the client.
                ClientLog.ReloadHandlerFailed(_logger, reload.Room, exception);
            }
        }
    }

    private void ApplyResets()
    {
        while (_resets.TryDequeue(out var room))
        {
            if (_rooms.TryGetValue(room, out var state))
            {
                state.Held.Clear();
                state.StopGapTimer();
                state.ResumedFrom = -1;
                state.Rebase = true;
            }
        }
    }

    private RoomState GetOrAddRoom(string room)
    {
        lock (_rooms)
        {
            if (!_rooms.TryGetValue(room, out var state))
            {
                state = new RoomState(room);
                _rooms.Add(room, state);
            }

            return state;
        }
    }

    private static KeyValuePair<long, InboundEnvelope> First(SortedDictionary<long, InboundEnvelope> held)
    {
        using var enumerator = held.GetEnumerator();
        enumerator.MoveNext();
        return enumerator.Current;
    }
}
