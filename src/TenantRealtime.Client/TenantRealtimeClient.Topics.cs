using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    /// <summary><see cref="TopicRevokedEventArgs.Error"/> for topics a server without topics could not subscribe again.</summary>
    private const string Unsupported = "unsupported";

    /// <summary>The active subscriptions by room; guards <see cref="_leftTopics"/> too.</summary>
    private readonly Dictionary<string, TopicSubscription> _topics = new(StringComparer.Ordinal);

    /// <summary>
    /// Topic rooms the client left (unsubscribed, or taken away), with their topic: broadcasts and state of them still in
    /// flight are dropped, so they do not start tracking the room again. A subscribe that may name one takes it out first.
    /// </summary>
    private readonly Dictionary<string, TopicRef> _leftTopics = new(StringComparer.Ordinal);

    /// <summary>
    /// Raised when the server takes a topic away: its <c>unsubscribed</c> event (for example after
    /// <c>RefreshUserRoomsAsync</c>, when the topic authorizer refuses it now), or a topic refused when the client
    /// subscribed again after a reconnect or a server switch. The subscription is inactive, its room is no longer resumed
    /// and its state is dropped (state handlers see each key go) before the event is raised.
    /// </summary>
    public event Func<TopicRevokedEventArgs, Task>? TopicRevoked;

    /// <summary>Gets the active topic subscriptions, which the client subscribes again after every reconnect.</summary>
    public IReadOnlyList<TopicSubscription> Topics
    {
        get
        {
            lock (_topics)
            {
                return [.. _topics.Values];
            }
        }
    }

    /// <summary>
    /// Subscribes to one topic. The server decides (its topic authorizer, and only inside organizations the connection
    /// holds). It completes once the topic's whole state is held (<see cref="GetState{T}(string)"/> of
    /// <see cref="TopicSubscription.Room"/>) and its room is tracked from its current position, so broadcasts from then on,
    /// including those sent while a reconnect is under way, are applied in order once each. A topic already held gives
    /// the same <see cref="TopicSubscription"/>.
    /// </summary>
    /// <param name="topic">The topic, for example <c>TopicRef.Tenant("incident:42")</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the server's answer.</param>
    /// <returns>The active subscription.</returns>
    /// <exception cref="TopicSubscriptionException">The server refused it: <see cref="TopicSubscriptionException.Code"/> is
    /// <c>forbidden</c>, <c>limit-exceeded</c> or <c>invalid-argument</c>.</exception>
    /// <exception cref="NotSupportedException">The server has no topics (a version before them).</exception>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (one topic or a list), so no call is ambiguous; each takes a cancellation token as every async method of the client does.")]
    public async Task<TopicSubscription> SubscribeAsync(TopicRef topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        using var watch = WatchPresence([topic]);
        var answers = await InvokeSubscribeAsync([topic], TopicWire.Request(topic), topic, cancellationToken).ConfigureAwait(false);
        var result = await AcceptAsync(answers, watch, cancellationToken).ConfigureAwait(false);
        return result.Subscribed.Count > 0
            ? result.Subscribed[0]
            : throw new TopicSubscriptionException($"The server refused the subscription to the {topic} topic (forbidden).") { Topic = topic };
    }

    /// <summary>
    /// Subscribes to several topics in one call (at most the server's <c>MaxTopicsPerConnection</c>, 100 by default). Refused
    /// topics do not throw: they are answered in <see cref="TopicSubscribeResult.Refused"/>. It completes as
    /// <see cref="SubscribeAsync(TopicRef, CancellationToken)"/> does, for every granted topic.
    /// </summary>
    /// <param name="topics">The topics; duplicates are asked for once.</param>
    /// <param name="cancellationToken">Cancels the wait for the server's answer.</param>
    /// <returns>The granted subscriptions and the refused topics; both empty for an empty list (the server is not asked).</returns>
    /// <exception cref="TopicSubscriptionException">The whole call failed, for example <c>limit-exceeded</c>.</exception>
    /// <exception cref="NotSupportedException">The server has no topics (a version before them).</exception>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (one topic or a list), so no call is ambiguous; each takes a cancellation token as every async method of the client does.")]
    public async Task<TopicSubscribeResult> SubscribeAsync(IReadOnlyList<TopicRef> topics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Any(topic => topic is null))
        {
            throw new ArgumentException("The list holds a null topic.", nameof(topics));
        }

        if (topics.Count == 0)
        {
            return new TopicSubscribeResult([], []);
        }

        using var watch = WatchPresence(topics);
        var answers = await InvokeSubscribeAsync(topics, TopicWire.Request(topics), null, cancellationToken).ConfigureAwait(false);
        return await AcceptAsync(answers, watch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves a topic; see <see cref="TopicSubscription.UnsubscribeAsync"/>.</summary>
    internal async Task UnsubscribeAsync(TopicSubscription subscription, CancellationToken cancellationToken)
    {
        if (!subscription.Deactivate())
        {
            return;
        }

        ClearPresence(subscription);
        lock (_topics)
        {
            _topics.Remove(subscription.Room);
            _leftTopics[subscription.Room] = subscription.Topic;
        }

        await ForgetTopicRoomAsync(subscription.Room).ConfigureAwait(false);
        if (_connection.State != HubConnectionState.Connected)
        {
            // The server's connection is gone, and with it the subscription; the reconnect does not ask for it again.
            return;
        }

        try
        {
            await _connection.InvokeAsync<object?>(TenantRealtimeWire.Methods.Unsubscribe, TopicWire.Request(subscription.Topic), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (_connection.State != HubConnectionState.Connected && !cancellationToken.IsCancellationRequested)
        {
            // The connection dropped under the call: the new one does not hold the topic.
        }
    }

    internal void LogUnsubscribeFailed(string room, Exception exception) => ClientLog.UnsubscribeFailed(_logger, room, exception);

    private async Task<List<TopicAnswer>> InvokeSubscribeAsync(IEnumerable<TopicRef> asked, Dictionary<string, object> request, TopicRef? single, CancellationToken cancellationToken)
    {
        lock (_topics)
        {
            // Left topics the request may name take their broadcasts and state again: the answer may come after them.
            foreach (var topic in asked)
            {
                foreach (var room in _leftTopics.Where(pair => May(topic, pair.Value)).Select(pair => pair.Key).ToList())
                {
                    _leftTopics.Remove(room);
                }
            }
        }

        try
        {
            var answer = await _connection.InvokeAsync<object?>(TenantRealtimeWire.Methods.Subscribe, request, cancellationToken).ConfigureAwait(false);
            return TopicWire.Read(answer);
        }
        catch (HubException exception) when (TopicWire.IsMissingMethod(exception))
        {
            throw NoTopics(exception);
        }
        catch (HubException exception) when (TopicWire.CodeOf(exception) is { } code)
        {
            var what = single is null ? "the topic subscriptions" : $"the subscription to the {single} topic";
            var message = exception.Message;
            var sentence = message[(message.LastIndexOf(code + ": ", StringComparison.Ordinal) + code.Length + 2)..];
            throw new TopicSubscriptionException($"The server refused {what} ({code}): {sentence}", exception) { Code = code, Topic = single };
        }
    }

    /// <summary>
    /// Keeps the granted topics, takes their presence from the answer, and tracks their rooms from the answer's
    /// positions; then waits for their state.
    /// </summary>
    private async Task<TopicSubscribeResult> AcceptAsync(List<TopicAnswer> answers, PresenceWatch watch, CancellationToken cancellationToken)
    {
        var granted = new List<TopicSubscription>();
        var presence = new List<(TopicSubscription, TopicAnswer)>();
        var refused = new List<TopicRef>();
        var positions = new List<RoomPosition>();
        lock (_topics)
        {
            foreach (var answer in answers)
            {
                if (!answer.Subscribed)
                {
                    refused.Add(answer.Topic);
                    continue;
                }

                if (!_topics.TryGetValue(answer.Room, out var subscription))
                {
                    subscription = new TopicSubscription(this, answer.Topic, answer.Room);
                    _topics.Add(answer.Room, subscription);
                }

                _leftTopics.Remove(answer.Room);
                granted.Add(subscription);
                presence.Add((subscription, answer));
                if (answer.Position is { } position)
                {
                    positions.Add(position);
                }
            }
        }

        AcceptPresence(presence, watch);
        if (positions.Count > 0)
        {
            // A room already tracked (a broadcast came before the answer) keeps its own position.
            await _recovery.LearnAsync(positions, cancellationToken).ConfigureAwait(false);
        }

        ClientLog.TopicsSubscribed(_logger, granted.Count, refused.Count);

        // The topics' whole state was sent before the answer; SignalR may hand it to its handler after.
        await DrainEventsAsync(cancellationToken).ConfigureAwait(false);
        return new TopicSubscribeResult(granted, refused);
    }

    /// <summary>
    /// After a reconnect or a server switch (and at a start after a stop), before <c>Resume</c>: subscribes every active
    /// topic again in one list call, so the <c>Resume</c> that follows covers the topics' rooms from the positions kept.
    /// Topics refused now are taken away (<see cref="TopicRevoked"/>), before the <c>Resume</c>, which no longer names them.
    /// </summary>
    private async Task ResubscribeAsync(CancellationToken cancellationToken)
    {
        TopicSubscription[] held;
        lock (_topics)
        {
            held = [.. _topics.Values];
        }

        if (held.Length == 0 || _connection.State != HubConnectionState.Connected)
        {
            return;
        }

        using var watch = WatchPresence(held.Select(s => s.Topic));
        List<TopicAnswer> answers;
        try
        {
            var answer = await _connection.InvokeAsync<object?>(TenantRealtimeWire.Methods.Subscribe, TopicWire.Request(held.Select(s => s.Topic)), cancellationToken).ConfigureAwait(false);
            answers = TopicWire.Read(answer);
        }
        catch (HubException exception) when (_connection.State == HubConnectionState.Connected)
        {
            // The server refused the whole list (fewer topics allowed, or a server without topics): none is held.
            ClientLog.ResubscribeFailed(_logger, exception);
            var error = TopicWire.IsMissingMethod(exception) ? Unsupported : TopicWire.CodeOf(exception) ?? TenantRealtimeWire.Errors.Forbidden;
            await RaiseTopicRevokedAsync(await RevokeAsync(held.Select(s => (s, error))).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }
        catch (Exception) when (_connection.State != HubConnectionState.Connected && !cancellationToken.IsCancellationRequested)
        {
            // The connection dropped under the call: the next reconnect asks again.
            return;
        }

        var granted = answers.Where(a => a.Subscribed).ToDictionary(a => a.Room, StringComparer.Ordinal);
        AcceptPresence(held.Where(s => granted.ContainsKey(s.Room)).Select(s => (s, granted[s.Room])), watch);
        var positions = held.Where(s => granted.ContainsKey(s.Room)).Select(s => granted[s.Room].Position).OfType<RoomPosition>().ToList();
        if (positions.Count > 0)
        {
            // Only a room not tracked yet (subscribed, then cut before its position was known) takes the server's.
            await _recovery.LearnAsync(positions, cancellationToken).ConfigureAwait(false);
        }

        var refused = held.Where(s => !granted.ContainsKey(s.Room))
            .Select(s => (s, answers.FirstOrDefault(a => a.Room == s.Room)?.Error ?? TenantRealtimeWire.Errors.Forbidden));
        ClientLog.TopicsSubscribed(_logger, granted.Count, held.Length - granted.Count);
        await RaiseTopicRevokedAsync(await RevokeAsync(refused).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The server's <c>unsubscribed</c> event: it took topics away.</summary>
    private async Task ReceiveUnsubscribedAsync(object? payload)
    {
        var taken = new List<(TopicSubscription, string)>();
        lock (_topics)
        {
            foreach (var answer in TopicWire.Read(payload))
            {
                if (_topics.TryGetValue(answer.Room, out var subscription))
                {
                    taken.Add((subscription, answer.Error ?? TenantRealtimeWire.Errors.Forbidden));
                }
            }
        }

        var revoked = await RevokeAsync(taken).ConfigureAwait(false);

        // Not awaited: this runs on the connection's receive loop, which a handler calling back into the client needs.
        _ = RaiseTopicRevokedAsync(revoked);
    }

    /// <summary>Deactivates the subscriptions and forgets their rooms; returns the events to raise.</summary>
    private async Task<List<TopicRevokedEventArgs>> RevokeAsync(IEnumerable<(TopicSubscription Subscription, string Error)> taken)
    {
        var revoked = new List<TopicRevokedEventArgs>();
        foreach (var (subscription, error) in taken)
        {
            if (!subscription.Deactivate())
            {
                continue;
            }

            ClearPresence(subscription);
            lock (_topics)
            {
                _topics.Remove(subscription.Room);
                _leftTopics[subscription.Room] = subscription.Topic;
            }

            ClientLog.TopicRevoked(_logger, subscription.Room, error);
            await ForgetTopicRoomAsync(subscription.Room).ConfigureAwait(false);
            revoked.Add(new TopicRevokedEventArgs(subscription, error));
        }

        return revoked;
    }

    private async Task RaiseTopicRevokedAsync(List<TopicRevokedEventArgs> revoked)
    {
        foreach (var args in revoked)
        {
            if (TopicRevoked is not { } handler)
            {
                return;
            }

            try
            {
                await handler(args).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                ClientLog.TopicRevokedHandlerFailed(_logger, args.Subscription.Room, exception);
            }
        }
    }

    /// <summary>Stops resuming a topic room and drops its state map (state handlers see each key go).</summary>
    private async Task ForgetTopicRoomAsync(string room)
    {
        await _recovery.ForgetAsync(room).ConfigureAwait(false);
        var changes = _states.Forget(room);
        if (changes.Count > 0)
        {
            await RaiseStateChangesAsync(changes).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a broadcast or state of <paramref name="room"/> belongs to a topic the client left.</summary>
    private bool IsLeftTopic(string? room)
    {
        if (room is null)
        {
            return false;
        }

        lock (_topics)
        {
            return _leftTopics.ContainsKey(room);
        }
    }

    /// <summary>Whether a request for <paramref name="asked"/> may name the topic <paramref name="left"/> (ids left out match any).</summary>
    private static bool May(TopicRef asked, TopicRef left) =>
        asked.Scope == left.Scope
        && asked.Topic == left.Topic
        && (asked.OrganizationId is null || asked.OrganizationId == left.OrganizationId)
        && (asked.TenantId is null || asked.TenantId == left.TenantId);

    private static NotSupportedException NoTopics(HubException exception) => new(
        "The server does not support topics: it has no 'Subscribe' hub method (a TenantRealtime server from before topics). Upgrade the server to subscribe to topics; everything else works as before.",
        exception);
}
