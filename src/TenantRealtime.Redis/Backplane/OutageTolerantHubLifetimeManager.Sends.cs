
namespace TenantRealtime.Redis.Backplane;

/// <summary>Every send goes through <c>Guard</c>; the operation names are fixed words for logs and never hold ids.</summary>
internal sealed partial class OutageTolerantHubLifetimeManager<THub>
{
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
}
