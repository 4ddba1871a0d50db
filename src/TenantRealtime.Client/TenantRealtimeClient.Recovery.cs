using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    /// <summary>
    /// Raised when a room's state may be missing broadcasts and must be reloaded from its source of truth (for
    /// example a REST API): the server could not replay what was missed, the room's history was lost, or a gap
    /// did not fill. Broadcasts the client held for the room are applied before; the next broadcast starts the room
    /// afresh. It is raised outside the broadcast order, so broadcasts keep arriving while a handler reloads.
    /// </summary>
    public event Func<ReloadRequiredEventArgs, Task>? ReloadRequired;

    /// <summary>
    /// Raised after the client resumed its rooms following a reconnect, with the server's answer (for example
    /// to show "reconnected, 12 missed updates applied"). Rooms not recovered have raised <see cref="ReloadRequired"/>.
    /// </summary>
    public event Func<ResumeResult, Task>? Resumed;

    /// <summary>
    /// Gets the position of every room tracked: the last seq applied and its epoch, or for a room nothing was received
    /// from yet, where it stood when the client connected.
    /// </summary>
    public IReadOnlyList<RoomPosition> Positions => _recovery.GetPositions();

    /// <summary>
    /// Asks the server for every broadcast after each tracked room's position and applies them (the client does
    /// this by itself after every reconnect). Rooms that cannot be recovered raise <see cref="ReloadRequired"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>The server's answer, one entry per tracked room.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    public async Task<ResumeResult> ResumeAsync(CancellationToken cancellationToken = default) =>
        await _recovery.ResumeAllAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The client is not connected.");

    /// <summary>
    /// Tells the client the application reloaded a room's state by itself: broadcasts held for the room are
    /// dropped and the next broadcast starts it afresh. Not needed after <see cref="ReloadRequired"/>, which does it.
    /// </summary>
    /// <param name="room">The room key, for example <c>tenant:org-a:t1</c>.</param>
    public void ResetRoom(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        _recovery.ResetRoom(room);
    }

    private async Task<ResumeResult?> InvokeResumeAsync(IReadOnlyList<RoomPosition> positions, CancellationToken cancellationToken)
    {
        if (_connection.State != HubConnectionState.Connected)
        {
            return null;
        }

        // A plain array: MessagePack's resolver serializes arrays and lists, not every IReadOnlyList implementation.
        var request = new Dictionary<string, object> { ["positions"] = positions.ToArray() };

        // Only when state is held: a server without state is asked exactly as before.
        var states = _states.Versions();
        if (states.Length > 0)
        {
            request[TenantRealtimeWire.StateFields.States] = states;
        }

        try
        {
            var result = await _connection.InvokeAsync<ResumeResult>(TenantRealtimeWire.Methods.Resume, request, cancellationToken).ConfigureAwait(false);
            await ApplyStateResumeAsync(result).ConfigureAwait(false);
            return result;
        }
        catch (Exception) when (_connection.State != HubConnectionState.Connected && !cancellationToken.IsCancellationRequested)
        {
            // The connection dropped under the call: the Resume after the reconnect covers the same positions.
            return null;
        }
    }

    private async Task ResumeAfterReconnectAsync()
    {
        try
        {
            // Before Resume, in one call: the Resume then covers the topics' rooms from their kept positions, without a gap.
            await ResubscribeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            ClientLog.ResubscribeFailed(_logger, exception);
        }

        ResumeResult? result;
        try
        {
            result = await _recovery.ResumeAllAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Nothing to tell the rooms yet: their positions stand, and the next reconnect or gap asks again.
            ClientLog.ResumeFailed(_logger, exception);
            return;
        }

        try
        {
            // After the resume, so only rooms the client has no position for take the server's current one.
            await LearnPositionsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            ClientLog.PositionsFailed(_logger, exception);
        }

        try
        {
            // The state changes sent before Resume's and Authenticate's answers are applied before Resumed is raised.
            await DrainEventsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            ClientLog.ResumeFailed(_logger, exception);
        }

        if (result is not null && Resumed is { } resumed)
        {
            try
            {
                await resumed(result).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                ClientLog.ResumedHandlerFailed(_logger, exception);
            }
        }
    }

    private Task RaiseReloadRequiredAsync(ReloadRequiredEventArgs reload) =>
        ReloadRequired is { } handler ? handler(reload) : Task.CompletedTask;
}
