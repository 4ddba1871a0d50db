using Microsoft.AspNetCore.SignalR;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Topics.Internal;
using Fields = TenantRealtime.TenantRealtimeWire.TopicFields;
using Scopes = TenantRealtime.TenantRealtimeWire.Scopes;

namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    private const string TopicShape = "{scope: \"tenant\" | \"organization\", topic, organizationId?, tenantId?} or {topics: [ … ]}";

    /// <summary>
    /// <c>Subscribe({scope, topic, organizationId?, tenantId?})</c> or <c>Subscribe({topics: [ … ]})</c> →
    /// <c>{topics: [{room, scope, topic, organizationId, tenantId, subscribed, position, error?}]}</c>. Only topics inside
    /// organizations the connection holds, and of those only what the <see cref="ITopicAuthorizer"/> allows; the single
    /// form fails with <c>forbidden</c> where the list answers <c>subscribed: false, error: "forbidden"</c>; a refused topic
    /// is not held afterwards, even one held before. Past <see cref="TenantRealtimeOptions.MaxTopicsPerConnection"/> (held
    /// or named in one call) the call fails whole with <c>limit-exceeded</c>. Granted
    /// topics are joined, then (as <c>JoinOrganization</c>) read once this server hears them: their positions, and their
    /// whole state as <c>state</c> events before the answer. A granted topic whose prefix tracks presence also carries its
    /// users (<c>presence</c>), this connection's own included.
    /// </summary>
    public async Task<Dictionary<string, object?>> Subscribe(object? request)
    {
        var (topics, single) = ReadTopics(request, nameof(Subscribe));
        var state = RequireIdentity(out var identity);
        var answers = await topicAccess.DecideAsync(identity, Context.User, state.Rooms, topics, Context.ConnectionAborted).ConfigureAwait(false);

        // A topic answered forbidden is not held afterwards, even one held before the authorizer changed its mind:
        // the answer is what the connection receives.
        await LeaveTopicsAsync(state, topics.Where((_, i) => !answers[i]).Select(topic => topic.Room.Name).ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false);
        if (single && !answers[0])
        {
            metrics.TopicSubscribe(TopicAccess.ScopeOf(topics[0]), "refused");
            metrics.Refused(Operations.Subscribe, TenantRealtimeWire.Errors.Forbidden);
            throw HubErrors.Forbidden($"the connection may not subscribe to the {TopicAccess.ScopeOf(topics[0])} topic '{topics[0].Name}'.");
        }

        var granted = topics.Where((_, i) => answers[i]).Select(topic => topic.Room).ToList();
        try
        {
            // Checked again under the connection's gate: an organization left meanwhile takes its topics with it.
            await membership.ChangeAsync(
                state,
                held => held.Concat(granted.Where(room => TopicAccess.HoldsOrganization(held, room.OrganizationId))),
                Context.ConnectionAborted).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            TenantRealtimeLog.LimitExceeded(logger, identity.UserId, identity.OrganizationId, ex.Message);
            metrics.Refused(Operations.Subscribe, HubErrors.CodeOf(ex));
            throw;
        }

        var held = state.Rooms;
        var joined = granted.Where(room => Array.IndexOf(held, room) >= 0).ToList();
        var positions = await PositionsOfAsync([.. joined.Select(room => room.Name)]).ConfigureAwait(false);
        await stateSync.RefreshAsync([.. joined.Select(room => room.Name)], Context.ConnectionAborted).ConfigureAwait(false);
        await SendStateAsync((connection, reads) => reads.AddRange(stateReader.StartHeld(connection, joined))).ConfigureAwait(false);
        var present = await topicPresence.ReadAsync(joined, Context.ConnectionAborted).ConfigureAwait(false);
        TenantRealtimeLog.TopicsSubscribed(logger, Context.ConnectionId, joined.Count, topics.Count - joined.Count);

        var results = new List<Dictionary<string, object?>>(topics.Count);
        foreach (var topic in topics)
        {
            var room = topic.Room;
            var subscribed = joined.Contains(room);
            metrics.TopicSubscribe(TopicAccess.ScopeOf(topic), subscribed ? "granted" : "refused");
            var result = TopicPayload.Of(topic, subscribed);
            result[Fields.Position] = positions.FirstOrDefault(p => p.Room == room.Name);
            if (!subscribed)
            {
                result[Fields.Error] = TenantRealtimeWire.Errors.Forbidden;
            }
            else if (present.TryGetValue(room, out var users))
            {
                result[Fields.Presence] = users;
                if (users is null)
                {
                    result[Fields.PresenceError] = TenantRealtimeWire.Errors.Unavailable;
                }
            }

            results.Add(result);
        }

        return TopicPayload.List(results);
    }

    /// <summary>
    /// <c>Unsubscribe({scope, topic, organizationId?, tenantId?})</c> or <c>Unsubscribe({topics: [ … ]})</c> →
    /// <c>{topics: [{room, scope, topic, organizationId, tenantId, subscribed: false}]}</c>; idempotent. The topics'
    /// broadcasts and state stop; a later subscribe reads the state whole again.
    /// </summary>
    public async Task<Dictionary<string, object?>> Unsubscribe(object? request)
    {
        var (topics, _) = ReadTopics(request, nameof(Unsubscribe));
        var state = RequireIdentity(out _);
        await LeaveTopicsAsync(state, topics.Select(topic => topic.Room.Name).ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false);
        return TopicPayload.List(topics.Select(topic => TopicPayload.Of(topic, subscribed: false)));
    }

    /// <summary>Leaves those of <paramref name="rooms"/> the connection holds: their broadcasts and state stop, and a later subscribe reads the state whole again.</summary>
    private async Task LeaveTopicsAsync(ConnectionState state, HashSet<string> rooms)
    {
        if (!state.Rooms.Any(room => rooms.Contains(room.Name)))
        {
            return;
        }

        await membership.ChangeAsync(state, held => held.Where(room => !rooms.Contains(room.Name)), Context.ConnectionAborted).ConfigureAwait(false);
        if (delivery.Find(Context.ConnectionId) is { } sender)
        {
            stateReader.Unsubscribed(sender, rooms);
        }
    }

    /// <summary>The topics of a request: one object, or <c>{topics: [ … ]}</c> of at most <see cref="TenantRealtimeOptions.MaxTopicsPerConnection"/>, without duplicates.</summary>
    private (List<Topic> Topics, bool Single) ReadTopics(object? request, string method)
    {
        var argument = Parse(request, method, TopicShape);
        RequireIdentity(out var identity);
        if (!argument.Has(Fields.Topics))
        {
            return ([ReadTopic(argument, identity, method)], true);
        }

        // The message size bounds the list; past the topics a connection may hold, a subscribe is over the bound, not malformed.
        var items = argument.GetObjects(Fields.Topics, method, TopicShape, int.MaxValue);
        var max = options.CurrentValue.MaxTopicsPerConnection;
        if (items.Count == 0)
        {
            throw InvalidArgument(method, $"'{Fields.Topics}' must name at least one topic.");
        }

        if (items.Count > max && method == nameof(Subscribe))
        {
            var sentence = $"a connection may subscribe to at most {max} topics.";
            TenantRealtimeLog.LimitExceeded(logger, identity.UserId, identity.OrganizationId, sentence);
            metrics.Refused(Operations.Subscribe, TenantRealtimeWire.Errors.LimitExceeded);
            throw HubErrors.LimitExceeded(sentence);
        }

        if (items.Count > max)
        {
            throw InvalidArgument(method, $"'{Fields.Topics}' may hold at most {max} items.");
        }

        return ([.. items.Select(item => ReadTopic(item, identity, method)).Distinct()], false);
    }

    private Topic ReadTopic(HubArgument argument, TenantIdentity identity, string method)
    {
        var scope = argument.GetString(Fields.Scope);
        if (scope is not (Scopes.Organization or Scopes.Tenant))
        {
            throw InvalidArgument(method, $"'{Fields.Scope}' must be \"{Scopes.Tenant}\" or \"{Scopes.Organization}\".");
        }

        var name = argument.GetString(Fields.Topic);
        var maxName = options.CurrentValue.MaxTopicNameLength;
        if (!TopicNames.IsValid(name, maxName))
        {
            throw InvalidArgument(method, TopicNames.Rule(Fields.Topic, maxName));
        }

        var organizationId = ReadId(argument, Fields.OrganizationId, method) ?? identity.OrganizationId;
        var tenantId = ReadId(argument, Fields.TenantId, method);
        if (scope == Scopes.Organization)
        {
            return tenantId is null
                ? Topic.InOrganization(organizationId, name)
                : throw InvalidArgument(method, $"'{Fields.TenantId}' names a tenant: ask for scope \"{Scopes.Tenant}\".");
        }

        tenantId ??= identity.TenantId ?? throw InvalidArgument(method, $"'{Fields.TenantId}' is required: the connection has no tenant of its own.");
        return Topic.InTenant(organizationId, tenantId, name);
    }
}
