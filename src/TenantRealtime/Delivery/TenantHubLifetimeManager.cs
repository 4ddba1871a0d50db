using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Delivery;

/// <summary>
/// The tenant hub's lifetime manager: its connections and groups on this server, and every send to them through each
/// connection's bounded <see cref="ConnectionSender"/>, so a send hands the once-serialized message to each recipient
/// and returns without waiting for any of them to read it. Every send here is for this server's connections: the only
/// sends that cross servers are broadcasts, which a scale-out carries on its own channels and hands to
/// <c>DeliverLocally</c> on each server (told which groups this server serves through
/// <see cref="IGroupSubscriptions"/>). The app's own hubs keep SignalR's managers. Generic over the hub so this folder
/// never names it: the composition root closes it over the tenant hub, and the concepts use it as <see cref="ILocalDelivery"/>.
/// </summary>
/// <typeparam name="THub">The hub whose connections this manages.</typeparam>
internal sealed partial class TenantHubLifetimeManager<THub>(
    IGroupSubscriptions subscriptions,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TenantRealtimeMetrics metrics,
    TimeProvider time,
    ILogger<TenantHubLifetimeManager<THub>> logger) : HubLifetimeManager<THub>, ILocalDelivery
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, ConnectionSender> _connections = new(StringComparer.Ordinal);
    private readonly HubGroups _groups = new(subscriptions);
    private readonly SendBacklog _backlog = CreateBacklog(metrics);
    private Action<ConnectionSender, long, int>? _overBound;

    public int ConnectionCount => _connections.Count;

    public int GroupCount => _groups.Count;

    public int MembersOf(string group) => _groups.MembersOf(group);

    public bool HasMembers(IReadOnlyList<string>? groups)
    {
        if (groups is null)
        {
            return !_connections.IsEmpty;
        }

        foreach (var group in groups)
        {
            if (_groups.HasMembers(group))
            {
                return true;
            }
        }

        return false;
    }

    public ConnectionSender? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        var o = options.CurrentValue;
        _connections[connection.ConnectionId] = new ConnectionSender(connection, new SendLimits(o.MaxSendBacklogBytes, o.MaxSendBacklogMessages), _backlog)
        {
            // One delegate for every connection rather than one each.
            OverBound = _overBound ??= CutLoose,
        };
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out var sender))
        {
            _groups.RemoveAll(sender);
            sender.Close();
        }

        return Task.CompletedTask;
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(groupName);
        if (_connections.TryGetValue(connectionId, out var sender))
        {
            _groups.Add(sender, groupName);

            // Disconnected while being added: take it out again, as OnDisconnectedAsync may have run before the add.
            if (!_connections.ContainsKey(connectionId))
            {
                _groups.RemoveAll(sender);
                return Task.CompletedTask;
            }

            // Joined means hearing the group's broadcasts from every server, as SignalR's backplane awaits its subscribe.
            return subscriptions.WhenListeningAsync(groupName);
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(groupName);
        if (_connections.TryGetValue(connectionId, out var sender))
        {
            _groups.Remove(sender, groupName);
        }

        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.All, [], [], methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.AllExcept, [], excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);

        // The hub's replies to its caller (pong, authenticated) are for a connection of this server: no serialization
        // cache and no other server needed.
        if (_connections.TryGetValue(connectionId, out var sender))
        {
            sender.Send(new InvocationMessage(methodName, args));
            return Task.CompletedTask;
        }

        return SendAsync(SendTarget.Connections, [connectionId], [], methodName, args, cancellationToken);
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.Connections, connectionIds, [], methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.Groups, [groupName], [], methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.Groups, groupNames, [], methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.GroupExcept, [groupName], excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.Users, [userId], [], methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendTarget.Users, userIds, [], methodName, args, cancellationToken);

    /// <summary>The tenant hub never asks clients for results; SignalR's own managers serve the app's hubs that do.</summary>
    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The TenantRealtime hub does not invoke client methods for results.");

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => Task.CompletedTask;

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type)
    {
        type = null;
        return false;
    }

    public SerializedHubMessage DeliverLocally(IReadOnlyList<string>? groups, string eventName, TenantEnvelope envelope)
    {
        var message = new SerializedHubMessage(new InvocationMessage(eventName, [envelope]));
        var seq = envelope.Seq ?? 0;
        if (groups is null)
        {
            Deliver(new LocalSend(SendTarget.All, [], [], message, envelope.Room, seq));
        }
        else
        {
            Deliver(new LocalSend(SendTarget.Groups, groups, [], message, envelope.Room, seq));
        }

        return message;
    }

    /// <summary>Delivers a broadcast whose JSON frame is prepared to this server's connections in <paramref name="groups"/> (or all).</summary>
    public void DeliverLocally(IReadOnlyList<string>? groups, PreparedBroadcast broadcast) =>
        Deliver(new LocalSend(groups is null ? SendTarget.All : SendTarget.Groups, groups ?? [], [], null, broadcast.Room, broadcast.Seq, broadcast));

    public void DeliverState(IReadOnlyList<string>? groups, SerializedHubMessage message, string room, string? key, Func<ConnectionSender, SerializedHubMessage?> messageFor)
    {
        if (groups is null)
        {
            foreach (var (_, sender) in _connections)
            {
                SendState(sender, message, room, key, messageFor);
            }

            return;
        }

        foreach (var group in groups)
        {
            if (_groups.TryGetMembers(group, out var members))
            {
                foreach (var sender in members)
                {
                    SendState(sender, message, room, key, messageFor);
                }
            }
        }
    }

    private static void SendState(ConnectionSender sender, SerializedHubMessage message, string room, string? key, Func<ConnectionSender, SerializedHubMessage?> messageFor)
    {
        if (!sender.Accepted || messageFor(sender) is not { } own)
        {
            return;
        }

        if (key is not null && ReferenceEquals(own, message))
        {
            sender.SendStateChange(message, room, key);
        }
        else
        {
            sender.Send(own);
        }
    }

    /// <summary>
    /// Delivers a send to this server's connections among its audience. Sends to everyone, to groups and to users skip
    /// a connection the hub has not accepted yet (<see cref="ConnectionSender.Accepted"/>): in "everyone" and in its
    /// first groups from its handshake on, it may still be refused. Sends to named connections are the hub's replies.
    /// </summary>
    private void Deliver(in LocalSend send)
    {
        switch (send.Target)
        {
            case SendTarget.All:
            case SendTarget.AllExcept:
                foreach (var (_, sender) in _connections)
                {
                    SendUnlessExcluded(sender, send);
                }

                break;
            case SendTarget.Groups:
            case SendTarget.GroupExcept:
                foreach (var group in send.Names)
                {
                    if (_groups.TryGetMembers(group, out var members))
                    {
                        foreach (var sender in members)
                        {
                            SendUnlessExcluded(sender, send);
                        }
                    }
                }

                break;
            case SendTarget.Connections:
                foreach (var connectionId in send.Names)
                {
                    if (_connections.TryGetValue(connectionId, out var sender))
                    {
                        sender.Send(send.MessageFor(sender), send.Room, send.Seq);
                    }
                }

                break;
            case SendTarget.Users:
                foreach (var (_, sender) in _connections)
                {
                    if (sender.Accepted && sender.Connection.UserIdentifier is { } user && send.Names.Contains(user, StringComparer.Ordinal))
                    {
                        sender.Send(send.MessageFor(sender), send.Room, send.Seq);
                    }
                }

                break;
        }
    }

    private Task SendAsync(SendTarget target, IReadOnlyList<string> names, IReadOnlyList<string> excluded, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        // A numbered broadcast carries its room position, so a replay racing it can drop a duplicate.
        var (room, seq) = args is [TenantEnvelope { Seq: { } number } envelope] ? (envelope.Room, number) : (null, 0L);
        Deliver(new LocalSend(target, names, excluded, new SerializedHubMessage(new InvocationMessage(methodName, args)), room, seq));
        return Task.CompletedTask;
    }

    private static SendBacklog CreateBacklog(TenantRealtimeMetrics metrics)
    {
        var backlog = new SendBacklog();
        metrics.ObserveSendBacklog(() => backlog.Bytes);
        metrics.ObserveStateReplaced(() => backlog.ReplacedChanges);
        return backlog;
    }

    private static void SendUnlessExcluded(ConnectionSender sender, in LocalSend send)
    {
        if (sender.Accepted && (send.Excluded.Count == 0 || !send.Excluded.Contains(sender.ConnectionId, StringComparer.Ordinal)))
        {
            sender.Send(send.MessageFor(sender), send.Room, send.Seq);
        }
    }
}
