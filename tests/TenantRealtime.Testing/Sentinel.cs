namespace TenantRealtime.Testing;

/// <summary>
/// Proves "nothing else arrived": after the broadcasts under test, a global sentinel is sent through the same
/// server and awaited by every client. A connection receives its messages in send order, so once the sentinel is
/// in, any leaked message would be in too.
/// </summary>
public static class Sentinel
{
    public const string EventName = "test-sentinel";

    public static async Task FlushAsync(ITenantBroadcaster broadcaster, IEnumerable<RealtimeClient> clients)
    {
        var marker = "sentinel-" + Guid.NewGuid().ToString("N");
        await broadcaster.BroadcastToAllAsync(EventName, "flush", marker).ConfigureAwait(false);
        await Task.WhenAll(clients.Select(c => c.WaitForAsync(EventName, m => m.String("data") == marker))).ConfigureAwait(false);
    }
}
