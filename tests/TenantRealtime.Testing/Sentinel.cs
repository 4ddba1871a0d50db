namespace TenantRealtime.Testing;

/// <summary>
/// Proves "nothing else arrived": after the broadcasts under test, sentinels are sent through the same server and
/// awaited by every client. A connection receives each channel's messages in send order, so once a channel's sentinel
/// is in, anything sent before it on that channel would be in too. On Redis, broadcasts to everyone and to each
/// organization travel on different channels (on a Redis Cluster, different shards), which are not ordered with each
/// other: so besides the global sentinel, one goes to the organization of every client that connected as a
/// <see cref="TestUser"/> (it holds that organization's room), on that organization's channel.
/// </summary>
public static class Sentinel
{
    public const string EventName = "test-sentinel";

    public static async Task FlushAsync(ITenantBroadcaster broadcaster, IEnumerable<RealtimeClient> clients)
    {
        var all = clients.ToList();
        var marker = "sentinel-" + Guid.NewGuid().ToString("N");
        await broadcaster.BroadcastToAllAsync(EventName, "flush", marker).ConfigureAwait(false);
        foreach (var organizationId in all.Select(c => c.User?.OrganizationId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await broadcaster.BroadcastToOrganizationAsync(organizationId, EventName, "flush", marker).ConfigureAwait(false);
        }

        await Task.WhenAll(all.Select(client => ArrivedAsync(client, marker))).ConfigureAwait(false);
    }

    private static async Task ArrivedAsync(RealtimeClient client, string marker)
    {
        await client.WaitForAsync(EventName, m => m.String("data") == marker && m.String("scope") == "all").ConfigureAwait(false);
        if (client.User is not null)
        {
            await client.WaitForAsync(EventName, m => m.String("data") == marker && m.String("scope") == "organization").ConfigureAwait(false);
        }
    }
}
