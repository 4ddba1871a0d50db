using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.AppHubs;

/// <summary>
/// SignalR's Redis lifetime manager, with sends that never throw a Redis failure into the caller and never wait
/// long for Redis. SignalR awaits each publish; while Redis is unreachable StackExchange.Redis queues the command
/// and fails it only after its timeout (seconds), which would hold every request that broadcasts.
/// Connection and group operations pass through unchanged: they are the hub's own path, not the app's.
/// Broadcasts of <c>ITenantBroadcaster</c> reach this class only once numbered in Redis (the outbox keeps them while
/// Redis is down), so what it still drops is sends made through <c>IHubContext</c> directly.
/// </summary>
/// <remarks>
/// Takes the <see cref="RedisCallPolicy"/> (so <see cref="SharedRedisConnection"/>) before the inner manager so the container creates the owner first and
/// disposes it last, after SignalR's manager has unsubscribed.
/// </remarks>
internal sealed class OutageTolerantHubLifetimeManager<THub>(
    RedisCallPolicy policy,
    RedisHubLifetimeManager<THub> inner,
    RedisMetrics metrics,
    ILogger<OutageTolerantHubLifetimeManager<THub>> logger) : HubLifetimeManager<THub>
    where THub : Hub
{
    public override Task OnConnectedAsync(HubConnectionContext connection) => inner.OnConnectedAsync(connection);

    public override Task OnDisconnectedAsync(HubConnectionContext connection) => inner.OnDisconnectedAsync(connection);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        inner.TryGetReturnType(invocationId, out type);

    // Every send goes through Guard; the operation names are fixed words for logs and never hold ids.
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("all", () => inner.SendAllAsync(methodName, args, cancellationToken));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Guard("all-except", () => inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("connection", () => inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken), needsRedis: false);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("connections", () => inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken), needsRedis: false);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("group", () => inner.SendGroupAsync(groupName, methodName, args, cancellationToken));

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("groups", () => inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken));

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Guard("group-except", () => inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("user", () => inner.SendUserAsync(userId, methodName, args, cancellationToken));

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Guard("users", () => inner.SendUsersAsync(userIds, methodName, args, cancellationToken));

    /// <param name="operation">A fixed word for logs and metrics.</param>
    /// <param name="send">The inner send.</param>
    /// <param name="needsRedis">False for sends to named connections: SignalR writes to a local connection directly
    /// (a hub's reply to its caller, such as <c>pong</c>), so those must not be dropped for lack of Redis.</param>
    private async Task Guard(string operation, Func<Task> send, bool needsRedis = true)
    {
        // Before the first connection attempt finishes there is nothing to judge by; the bounded wait still applies.
        var call = await policy.RunAsync(send, static send => send(), policy.Timeout, evenWhenDown: !needsRedis).ConfigureAwait(false);
        switch (call.Outcome)
        {
            case RedisCallOutcome.Down:
                RedisLog.BroadcastDropped(logger, operation);
                metrics.Dropped("disconnected");
                break;
            case RedisCallOutcome.TimedOut:
                // Redis has not answered in time: stop holding the caller. The publish is already queued in order
                // behind earlier ones; if it fails later that is logged and counted, not thrown.
                RedisLog.BroadcastDetached(logger, operation, policy.Timeout);
                metrics.Unconfirmed();
                _ = ObserveAsync(operation, call.Task!);
                break;
            case RedisCallOutcome.Failed:
                RedisLog.BroadcastFailed(logger, operation, call.Failure!);
                metrics.Dropped("failed");
                break;
        }
    }

    private async Task ObserveAsync(string operation, Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RedisLog.DetachedBroadcastFailed(logger, operation, ex);
            metrics.Dropped("failed");
        }
    }
}
