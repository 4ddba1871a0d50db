using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// The users of the topics a <c>Subscribe</c> granted, for its answer (Phoenix's presence_state; the <c>presence</c>
/// events that follow are its diffs). Read once this server's own changes are decided, so the subscriber's user is
/// listed; a topic whose prefix does not track presence is not read.
/// </summary>
internal sealed class TopicPresenceReader(IPresenceStore store, IOptionsMonitor<TenantRealtimeOptions> options, ILogger<TopicPresenceReader> logger)
{
    /// <summary>
    /// The <c>presence</c> of each of <paramref name="rooms"/> that tracks presence, as a <c>presence</c> event's data
    /// (<c>{users, userCount, countsOnly}</c>); <see langword="null"/> for a topic that could not be read now (Redis
    /// down or slow).
    /// </summary>
    public async Task<Dictionary<TenantRoom, Dictionary<string, object?>?>> ReadAsync(IReadOnlyList<TenantRoom> rooms, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var tracked = rooms.Where(room => TopicPresence.Tracks(settings, room)).ToList();
        var found = new Dictionary<TenantRoom, Dictionary<string, object?>?>();
        if (tracked.Count == 0)
        {
            return found;
        }

        try
        {
            await store.DecidedAsync(cancellationToken).ConfigureAwait(false);
            // The token is watched once for all the reads (each is bounded by the store): a token keeps as many
            // registration nodes as were ever registered on it at once.
            var reads = await Task.WhenAll(tracked.Select(room => store.ReadAsync(PresenceRoom.OfTopic(room), settings.MaxPresenceListSize, CancellationToken.None).AsTask()))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < tracked.Count; i++)
            {
                var read = reads[i];
                found[tracked[i]] = PresencePayload.Event(read.Ordered(), read.UserCount, read.CountsOnly);
            }
        }
        catch (Exception exception) when (exception is TenantRealtimeUnavailableException or TimeoutException)
        {
            // The subscribe stands: the topic's broadcasts do not need presence. The answer says the list is missing.
            TenantRealtimeLog.TopicPresenceUnavailable(logger, tracked.Count, exception);
            foreach (var room in tracked)
            {
                found[room] = null;
            }
        }

        return found;
    }
}
