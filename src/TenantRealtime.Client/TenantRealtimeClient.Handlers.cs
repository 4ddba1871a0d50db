using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    /// <summary>
    /// Registers a handler for a broadcast event. The handler receives each broadcast once, in its room's seq order,
    /// with handlers of every event running one at a time: keep them short, the next broadcast waits for them.
    /// </summary>
    /// <typeparam name="TData">The type to read the payload as. All handlers of one event share it.</typeparam>
    /// <param name="eventName">The event, for example <c>incident-update</c>.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>Disposing it removes the handler; the event's room positions stay tracked.</returns>
    /// <exception cref="InvalidOperationException">The event is already registered with another data type.</exception>
    public IDisposable On<TData>(string eventName, Func<TenantEvent<TData>, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return Bind<TData>(eventName).Add(handler);
    }

    /// <inheritdoc cref="On{TData}(string, Func{TenantEvent{TData}, Task})"/>
    public IDisposable On<TData>(string eventName, Action<TenantEvent<TData>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On<TData>(eventName, received =>
        {
            handler(received);
            return Task.CompletedTask;
        });
    }

    private EventBinding<TData> Bind<TData>(string eventName)
    {
        lock (_bindings)
        {
            if (_bindings.TryGetValue(eventName, out var existing))
            {
                if (existing is EventBinding<TData> same)
                {
                    return same;
                }

                if (existing != _defaultPresenceBinding || existing.HandlerCount > 0)
                {
                    throw new InvalidOperationException(
                        $"Event '{eventName}' is already registered with data type {existing.DataType}; every handler of an event reads its data as one type.");
                }

                // The client's own registration of presence gives way to the application's type, and reads that type's
                // data instead (SignalR reads an event's arguments as its first handler's types).
                _connection.Remove(eventName);
                _bindings.Remove(eventName);
                _defaultPresenceBinding = null;
            }

            var binding = new EventBinding<TData>(eventName, _logger);
            var presence = eventName == TenantRealtimeWire.Events.Presence;
            _connection.On<TenantEvent<TData>>(eventName, received =>
            {
                if (presence)
                {
                    // Topic presence is kept by the subscriptions; the handlers still get every presence event.
                    ReceivePresence(received.Type, received.Scope, received.OrganizationId, received.TenantId, received.Topic, received.Timestamp, received.Data);
                }

                if (received.Scope == TenantRealtimeWire.Scopes.Topic && IsLeftTopic(received.Room))
                {
                    // Sent before the client left the topic: it must not start tracking the room again.
                    ClientLog.LeftTopicDropped(_logger, received.Room!, received.Seq);
                    return Task.CompletedTask;
                }

                return _recovery.ReceiveAsync(new InboundEnvelope(received.Room, received.Seq, received.Epoch, () => binding.DispatchAsync(received)));
            });
            _bindings.Add(eventName, binding);
            return binding;
        }
    }
}
