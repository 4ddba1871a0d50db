using System.Globalization;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    /// <summary>Guards every change of a subscription's presence and <see cref="_presenceWatches"/>, so changes apply (and raise) in order.</summary>
    private readonly object _presenceGate = new();

    /// <summary>The <c>Subscribe</c> calls under way, each with the topic presence events heard meanwhile.</summary>
    private readonly List<PresenceWatch> _presenceWatches = [];

    /// <summary>The client's own registration of the <c>presence</c> event, which an application's typed one replaces.</summary>
    private EventBinding? _defaultPresenceBinding;

    internal void LogPresenceHandlerFailed(string room, Exception exception) => ClientLog.PresenceHandlerFailed(_logger, room, exception);

    /// <summary>
    /// Starts recording the topic presence events that may belong to <paramref name="asked"/>, before a <c>Subscribe</c>
    /// is sent. SignalR hands an answer over apart from events, so an event sent after the answer may be handled before
    /// the answer is applied; recorded, it is applied again on top of the answer's list. One sent before the answer is
    /// in the list already, and applying it again changes nothing: a <c>joined</c> user is listed, a <c>left</c> one is not.
    /// </summary>
    private PresenceWatch WatchPresence(IEnumerable<TopicRef> asked)
    {
        var watch = new PresenceWatch(this, [.. asked]);
        lock (_presenceGate)
        {
            _presenceWatches.Add(watch);
        }

        return watch;
    }

    /// <summary>A <c>presence</c> event, whatever type the event is read as; topic ones change the topic's subscription.</summary>
    private void ReceivePresence(string type, string scope, string? organizationId, string? tenantId, string? topicName, string timestamp, object? data)
    {
        var sent = DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : (DateTimeOffset?)null;
        if (type is not (TenantRealtimeWire.PresenceTypes.Joined or TenantRealtimeWire.PresenceTypes.Left)
            || PresenceWire.TopicOf(scope, organizationId, tenantId, topicName) is not { } topic
            || PresenceWire.Read(PresenceWire.ToElement(data), sent) is not { } read)
        {
            return;
        }

        var update = new PresenceUpdate(type, topic, read);
        lock (_presenceGate)
        {
            foreach (var watch in _presenceWatches)
            {
                if (watch.Asked.Any(asked => May(asked, topic)))
                {
                    watch.Seen.Add(update);
                }
            }

            TopicSubscription? subscription;
            lock (_topics)
            {
                subscription = _topics.Values.FirstOrDefault(held => held.Topic == topic);
            }

            // A topic whose list is missing (no presence, or unavailable) has nothing to change until it is read again.
            if (subscription is { IsActive: true, HeldPresence.Presence: { } presence })
            {
                subscription.SetPresence(new PresenceHeld(PresenceWire.Apply(presence, update), null));
            }
        }
    }

    /// <summary>Replaces each granted subscription's presence with its answer's, then applies what the watch recorded.</summary>
    private void AcceptPresence(IEnumerable<(TopicSubscription Subscription, TopicAnswer Answer)> granted, PresenceWatch watch)
    {
        lock (_presenceGate)
        {
            foreach (var (subscription, answer) in granted)
            {
                if (!subscription.IsActive)
                {
                    continue;
                }

                var held = answer.Presence;
                if (held.Presence is { } presence)
                {
                    foreach (var update in watch.Seen.Where(seen => seen.Topic == subscription.Topic))
                    {
                        presence = PresenceWire.Apply(presence, update);
                    }

                    held = new PresenceHeld(presence, null);
                }

                if (held != PresenceHeld.None || subscription.HeldPresence != PresenceHeld.None)
                {
                    subscription.SetPresence(held);
                }
            }
        }
    }

    /// <summary>An inactive subscription holds no presence.</summary>
    private void ClearPresence(TopicSubscription subscription)
    {
        lock (_presenceGate)
        {
            if (subscription.HeldPresence != PresenceHeld.None)
            {
                subscription.SetPresence(PresenceHeld.None);
            }
        }
    }

    /// <summary>Records topic presence events while one <c>Subscribe</c> is under way; disposing it stops.</summary>
    private sealed class PresenceWatch(TenantRealtimeClient client, TopicRef[] asked) : IDisposable
    {
        public TopicRef[] Asked { get; } = asked;

        /// <summary>The events heard, in order; read and written under the client's presence lock.</summary>
        public List<PresenceUpdate> Seen { get; } = [];

        public void Dispose()
        {
            lock (client._presenceGate)
            {
                client._presenceWatches.Remove(this);
            }
        }
    }
}
