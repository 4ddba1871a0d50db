using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Client.Internal;

/// <summary>
/// One broadcast event as registered with the connection. SignalR reads an event's arguments with the types of its
/// first handler, so each event has exactly one registration and one data type; the application's handlers hang
/// off it.
/// </summary>
internal abstract class EventBinding(string eventName)
{
    public string EventName { get; } = eventName;

    public abstract Type DataType { get; }

    /// <summary>How many of the application's handlers are registered.</summary>
    public abstract int HandlerCount { get; }
}

/// <inheritdoc />
internal sealed class EventBinding<TData>(string eventName, ILogger logger) : EventBinding(eventName)
{
    private ImmutableArray<Func<TenantEvent<TData>, Task>> _handlers = [];

    public override Type DataType => typeof(TData);

    public override int HandlerCount => _handlers.Length;

    public IDisposable Add(Func<TenantEvent<TData>, Task> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, static (list, h) => list.Add(h), handler);
        return new Subscription(this, handler);
    }

    public async Task DispatchAsync(TenantEvent<TData> received)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                await handler(received).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // One failing handler must not stop the others, nor the order of the room.
                ClientLog.HandlerFailed(logger, EventName, exception);
            }
        }
    }

    private sealed class Subscription(EventBinding<TData> binding, Func<TenantEvent<TData>, Task> handler) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref binding._handlers, static (list, h) => list.Remove(h), handler);
    }
}
