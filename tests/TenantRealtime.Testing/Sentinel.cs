namespace TenantRealtime.Testing;

/// <summary>
/// Proves "nothing else arrived": after the broadcasts under test, sentinels are sent through the same server and
/// awaited by every client. A connection receives each channel's messages in send order, so once a channel's sentinel
/// is in, anything sent before it on that channel would be in too. On Redis, broadcasts to everyone and to each
/// organization travel on different channels (on a Redis Cluster, different shards), which are not ordered with each
/// other: so besides the global sentinel, one goes to the organization of every client that connected as a
/// <see cref="TestUser"/> (it holds that organization's room), on that organization's channel, and to every
/// organization the caller names as joined.
/// </summary>
public static class Sentinel
{
    public const string EventName = "test-sentinel";

    public static Task FlushAsync(ITenantBroadcaster broadcaster, IEnumerable<RealtimeClient> clients) =>
        FlushAsync(broadcaster, clients, joined: []);

    /// <summary>As the other overload, and also through the channels of <paramref name="joined"/>: organizations every client holds besides its own (joined with <c>JoinOrganization</c>).</summary>
    public static async Task FlushAsync(ITenantBroadcaster broadcaster, IEnumerable<RealtimeClient> clients, IReadOnlyCollection<string> joined)
    {
        var all = clients.ToList();
        var marker = "sentinel-" + Guid.NewGuid().ToString("N");
        await broadcaster.BroadcastToAllAsync(EventName, "flush", marker).ConfigureAwait(false);
        foreach (var organizationId in all.Select(c => c.User?.OrganizationId).OfType<string>().Concat(joined).Distinct(StringComparer.Ordinal))
        {
            await broadcaster.BroadcastToOrganizationAsync(organizationId, EventName, "flush", marker).ConfigureAwait(false);
        }

        await Task.WhenAll(all.Select(client => ArrivedAsync(client, marker, joined))).ConfigureAwait(false);
    }

    private static async Task ArrivedAsync(RealtimeClient client, string marker, IReadOnlyCollection<string> joined)
    {
        await client.WaitForAsync(EventName, m => m.String("data") == marker && m.String("scope") == "all").ConfigureAwait(false);
        var organizations = client.User is null ? joined : [client.User.OrganizationId, .. joined];
        foreach (var organizationId in organizations)
        {
            await client.WaitForAsync(
                EventName,
                m => m.String("data") == marker && m.String("scope") == "organization" && m.String("organizationId") == organizationId).ConfigureAwait(false);
        }
    }
}
