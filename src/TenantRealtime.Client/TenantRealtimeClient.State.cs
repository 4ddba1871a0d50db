using System.Collections.ObjectModel;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);
    private readonly StateMaps _states = new();
    private readonly List<Func<StateChangeRecord, Task>> _stateHandlers = [];
    private readonly Dictionary<string, TaskCompletionSource> _pongs = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets the keyed state the client holds for a room (see the server's <c>ITenantState</c>): the latest value of
    /// each key, kept up to date from <c>state</c> events, across reconnects and server switches. A snapshot: later
    /// changes do not alter it. Empty for a room whose state the client has not received (a server that sends no state).
    /// </summary>
    /// <typeparam name="T">The type to read the values as (for example a record, or <see cref="JsonElement"/>).</typeparam>
    /// <param name="room">The room key, for example <c>tenant:org-a:t1</c>.</param>
    /// <returns>The room's values by key.</returns>
    public IReadOnlyDictionary<string, T?> GetState<T>(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var values = _states.Snapshot(room, out _, out _);
        return values is null
            ? ReadOnlyDictionary<string, T?>.Empty
            : values.ToDictionary(pair => pair.Key, pair => StateMaps.Convert<T>(pair.Value, StateJson), StringComparer.Ordinal).AsReadOnly();
    }

    /// <summary>
    /// Gets the epoch and version of the state the client holds for a room, or <see langword="null"/> when it holds
    /// none. After a reconnect the client names these in <c>Resume</c> and gets only the keys changed since.
    /// </summary>
    /// <param name="room">The room key.</param>
    /// <returns>The epoch and version, or <see langword="null"/>.</returns>
    public (string Epoch, long Version)? GetStateVersion(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        return _states.Snapshot(room, out var epoch, out var version) is null ? null : (epoch!, version);
    }

    /// <summary>
    /// Raised with a room's key when the server lost the state the client held of it (a restart in memory, Redis losing
    /// it) and no app loader filled it again: the map was replaced by the room's new state (usually empty), after
    /// <see cref="OnStateChanged{T}(Func{StateChange{T}, Task})"/>'s handlers saw each key go. Keys come back as the
    /// app sets them; raise your own refresh here if the app must.
    /// </summary>
    public event Func<string, Task>? StateLost;

    /// <summary>
    /// Registers a handler for changes of the keyed state of every room: once per key set or removed, after the
    /// client's map has the change (so <see cref="GetState{T}(string)"/> in the handler sees it). A whole state that
    /// replaces a room's map (at connect, another epoch) raises it for each key that changed or is gone. Handlers run
    /// one at a time, in the order the server sent the changes.
    /// </summary>
    /// <typeparam name="T">The type to read values as.</typeparam>
    /// <param name="handler">The handler.</param>
    /// <returns>Disposing it removes the handler.</returns>
    public IDisposable OnStateChanged<T>(Func<StateChange<T>, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Func<StateChangeRecord, Task> wrapped = change => handler(new StateChange<T>(
            change.Room, change.Key, change.Removed ? default : StateMaps.Convert<T>(change.Value, StateJson), change.Removed));
        lock (_stateHandlers)
        {
            _stateHandlers.Add(wrapped);
        }

        return new Unregister(() =>
        {
            lock (_stateHandlers)
            {
                _stateHandlers.Remove(wrapped);
            }
        });
    }

    /// <inheritdoc cref="OnStateChanged{T}(Func{StateChange{T}, Task})"/>
    public IDisposable OnStateChanged<T>(Action<StateChange<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnStateChanged<T>(change =>
        {
            handler(change);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Asks the server for one room's whole state (<c>GetState</c>) and completes once the client's map holds it. The
    /// client does this by itself on a version gap; call it for a room the connection does not get at connect, for
    /// example an admin reading one tenant's state.
    /// </summary>
    /// <param name="room">The room key, for example <c>tenant:org-a:t1</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>A task that completes when the state is held.</returns>
    public async Task LoadStateAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        await _connection.InvokeAsync<Dictionary<string, object?>>(
            TenantRealtimeWire.Methods.GetState,
            new Dictionary<string, object> { [TenantRealtimeWire.StateFields.Room] = room },
            cancellationToken).ConfigureAwait(false);

        // The state event was sent before the answer, but SignalR may hand it to its handler after.
        await DrainEventsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReceiveStateAsync(TenantStateMessage message)
    {
        if (IsLeftTopic(message.Room))
        {
            // Sent before the client left the topic: its map stays dropped.
            ClientLog.StateDropped(_logger, message.Room, message.Version);
            return;
        }

        var changes = new List<StateChangeRecord>();
        switch (_states.Apply(message, changes))
        {
            case StateMaps.Outcome.Applied:
                break;
            case StateMaps.Outcome.RequestWhole:
                ClientLog.StateRequested(_logger, message.Room, message.Version);

                // Not awaited: the answer's state event arrives through this same receive loop.
                _ = RequestWholeStateAsync(message.Room);
                return;
            default:
                ClientLog.StateDropped(_logger, message.Room, message.Version);
                return;
        }

        await RaiseStateChangesAsync(changes).ConfigureAwait(false);
        if (message is { Full: true, Lost: true } && StateLost is { } lost)
        {
            try
            {
                await lost(message.Room).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                ClientLog.StateHandlerFailed(_logger, message.Room, exception);
            }
        }
    }

    private async Task RequestWholeStateAsync(string room)
    {
        try
        {
            await LoadStateAsync(room).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Asked again at the next change that cannot be applied, or with the reconnect's Resume.
            _states.RequestFailed(room);
            ClientLog.StateRequestFailed(_logger, room, exception);
        }
    }

    private async Task RaiseStateChangesAsync(List<StateChangeRecord> changes)
    {
        Func<StateChangeRecord, Task>[] handlers;
        lock (_stateHandlers)
        {
            handlers = [.. _stateHandlers];
        }

        foreach (var change in changes)
        {
            foreach (var handler in handlers)
            {
                try
                {
                    await handler(change).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    ClientLog.StateHandlerFailed(_logger, change.Room, exception);
                }
            }
        }
    }

    /// <summary>Applies <c>Resume</c>'s <c>states</c> answer: a room the connection no longer holds is forgotten.</summary>
    private Task ApplyStateResumeAsync(ResumeResult result)
    {
        var changes = new List<StateChangeRecord>();
        foreach (var room in result.States ?? [])
        {
            if (room.Error is not null)
            {
                changes.AddRange(_states.Forget(room.Room));
            }
        }

        return changes.Count == 0 ? Task.CompletedTask : RaiseStateChangesAsync(changes);
    }

    /// <summary>
    /// Waits until the events the server sent before now have been handled. SignalR hands events to handlers on a loop
    /// of their own, so a method's answer can overtake the <c>state</c> events sent before it; <c>Ping</c> sends a
    /// <c>pong</c> event and then answers, so its <c>pong</c> is handled after everything sent before it.
    /// </summary>
    private async Task DrainEventsAsync(CancellationToken cancellationToken)
    {
        if (_connection.State != HubConnectionState.Connected)
        {
            return;
        }

        try
        {
            var answer = await _connection.InvokeAsync<Dictionary<string, object?>>(TenantRealtimeWire.Methods.Ping, cancellationToken).ConfigureAwait(false);
            var stamp = answer.TryGetValue("timestamp", out var value) ? value?.ToString() : null;
            if (stamp is null)
            {
                return;
            }

            Task seen;
            lock (_pongs)
            {
                if (!_pongs.TryGetValue(stamp, out var waiter))
                {
                    waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pongs[stamp] = waiter;
                }

                seen = waiter.Task;
            }

            await seen.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            lock (_pongs)
            {
                _pongs.Remove(stamp);
            }
        }
        catch (Exception) when (_connection.State != HubConnectionState.Connected && !cancellationToken.IsCancellationRequested)
        {
            // The connection dropped: the reconnect drains again.
        }
    }

    private void ReceivePong(Dictionary<string, object?> pong)
    {
        if (pong.TryGetValue("timestamp", out var value) && value?.ToString() is { } stamp)
        {
            lock (_pongs)
            {
                if (!_pongs.TryGetValue(stamp, out var waiter))
                {
                    // Kept only until its Ping's answer arrives; pongs of the application's own pings are few.
                    if (_pongs.Count > 64)
                    {
                        _pongs.Clear();
                    }

                    waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pongs[stamp] = waiter;
                }

                waiter.TrySetResult();
            }
        }
    }

    private sealed class Unregister(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}
