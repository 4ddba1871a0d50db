using FluentAssertions;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// What the presence suites share: observers connect to <see cref="IRealtimeCluster.Receiver"/>, the users they watch
/// to <see cref="IRealtimeCluster.Sender"/>, so over Redis every change crosses servers.
/// </summary>
public abstract class PresenceTestBase<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    protected const string Presence = "presence";

    /// <summary>Enough for a debounced change to be decided and delivered, on a busy machine.</summary>
    protected static readonly TimeSpan AfterTheWindow = PresenceSettings.Debounce + TimeSpan.FromSeconds(1.5);

    /// <summary>Connects a client that records presence events, to the receiving server (or <paramref name="node"/>).</summary>
    protected async Task<RealtimeClient> ObserveAsync(TestUser user, RealtimeNode? node = null, params string[] events) =>
        Track(await RealtimeClient.ConnectAsync((node ?? Cluster.Receiver).HubUrl, user, HubProtocolKind.Json, [Presence, .. events]).ConfigureAwait(false));

    /// <summary>Connects a user whose presence is watched, to the sending server (or <paramref name="node"/>).</summary>
    protected async Task<RealtimeClient> ConnectUserAsync(TestUser user, RealtimeNode? node = null) =>
        Track(await RealtimeClient.ConnectAsync((node ?? Cluster.Sender).HubUrl, user).ConfigureAwait(false));

    protected static Task<IReadOnlyDictionary<string, object?>> GetPresenceAsync(RealtimeClient client, string scope, string? organizationId = null, string? tenantId = null)
    {
        var request = new Dictionary<string, object?> { ["scope"] = scope };
        if (organizationId is not null)
        {
            request["organizationId"] = organizationId;
        }

        if (tenantId is not null)
        {
            request["tenantId"] = tenantId;
        }

        return client.InvokeAsync("GetPresence", request);
    }

    /// <summary>Waits for a presence event of <paramref name="type"/> in <paramref name="scope"/> naming <paramref name="userId"/>.</summary>
    protected static Task<ReceivedMessage> WaitForPresenceAsync(RealtimeClient client, string type, string scope, string userId, TimeSpan? timeout = null) =>
        client.WaitForAsync(Presence, m => m.String("type") == type && m.String("scope") == scope && UsersOf(m).Contains(userId), timeout);

    /// <summary>The presence events <paramref name="client"/> received about <paramref name="userId"/>, as "type/scope".</summary>
    protected static List<string> EventsAbout(RealtimeClient client, string userId) =>
        [.. client.Received.Where(m => m.EventName == Presence && UsersOf(m).Contains(userId)).Select(m => $"{m.String("type")}/{m.String("scope")}")];

    /// <summary>The user ids of a presence event (or of a <c>GetPresence</c> answer).</summary>
    protected static List<string> UsersOf(ReceivedMessage message) => UsersOf(message["data"] as IReadOnlyDictionary<string, object?>);

    protected static List<string> UsersOf(IReadOnlyDictionary<string, object?>? data) =>
        [.. EntriesOf(data).Select(user => (string)user["userId"]!)];

    protected static List<IReadOnlyDictionary<string, object?>> EntriesOf(IReadOnlyDictionary<string, object?>? data) =>
        data?["users"] is IEnumerable<object?> users ? [.. users.Cast<IReadOnlyDictionary<string, object?>>()] : [];

    /// <summary>
    /// Proves "nothing else came" for an organization: a broadcast to it travels behind every presence event already
    /// sent there (on its own channel with Redis), so once each client has it, any such event has arrived too.
    /// </summary>
    protected async Task FlushAsync(string organizationId, params RealtimeClient[] clients)
    {
        var marker = "flush-" + Guid.NewGuid().ToString("N");
        await Cluster.Sender.Broadcaster.BroadcastToOrganizationAsync(organizationId, Sentinel.EventName, "flush", marker).ConfigureAwait(false);
        await Task.WhenAll(clients.Select(c => c.WaitForAsync(Sentinel.EventName, m => m.String("data") == marker))).ConfigureAwait(false);
    }

    /// <summary>Polls <c>GetPresence</c> until <paramref name="condition"/> holds: writes to the scale-out land a moment later.</summary>
    protected static async Task<IReadOnlyDictionary<string, object?>> PresenceWhenAsync(
        RealtimeClient client, string scope, Func<IReadOnlyDictionary<string, object?>, bool> condition, string what, string? organizationId = null, string? tenantId = null)
    {
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (true)
        {
            var presence = await GetPresenceAsync(client, scope, organizationId, tenantId).ConfigureAwait(false);
            if (condition(presence))
            {
                return presence;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "{0} (last read: {1} of {2})", what, string.Join(",", UsersOf(presence)), presence["userCount"]);
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>The connections <c>GetPresence</c> lists for <paramref name="userId"/>, or -1 when it is not listed.</summary>
    protected static long ConnectionsOf(IReadOnlyDictionary<string, object?> presence, string userId) =>
        EntriesOf(presence).FirstOrDefault(u => (string)u["userId"]! == userId)?["connections"] is long connections ? connections : -1;
}
