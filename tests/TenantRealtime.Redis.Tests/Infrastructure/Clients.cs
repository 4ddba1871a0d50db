namespace TenantRealtime.Redis.Tests.Infrastructure;

public static class Clients
{
    /// <summary>
    /// Connects and waits until the server has put the connection in its rooms. SignalR completes the client's
    /// start at the handshake, before the hub's OnConnectedAsync joins the rooms; with Redis each join subscribes a
    /// channel (a round trip). Hub invocations run only after OnConnectedAsync, so a Ping's answer proves the joins.
    /// </summary>
    public static async Task<RealtimeClient> ConnectAsync(RealtimeNode node, TestUser user, params string[] events)
    {
        var client = await RealtimeClient.ConnectAsync(node.HubUrl, user, HubProtocolKind.Json, events);
        await client.InvokeAsync("Ping");
        return client;
    }
}
