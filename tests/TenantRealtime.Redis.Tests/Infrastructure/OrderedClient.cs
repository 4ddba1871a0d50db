using TenantRealtime.Client;

namespace TenantRealtime.Redis.Tests.Infrastructure;

/// <summary>The .NET client, which applies a room's broadcasts in seq order and resumes what it missed.</summary>
public static class OrderedClient
{
    /// <summary>Connects <paramref name="user"/> to <paramref name="node"/>; returns once its rooms are joined.</summary>
    public static async Task<TenantRealtimeClient> ConnectAsync(RealtimeNode node, TestUser user, string eventName, Action<TenantEvent<string>> onEvent)
    {
        var options = new TenantRealtimeClientOptions
        {
            HubUrl = node.HubUrl,
            AccessTokenProvider = () => Task.FromResult<string?>(user.Token()),
        };
        var client = new TenantRealtimeClient(options);
        client.On<string>(eventName, onEvent);
        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        await client.StartAsync(timeout.Token);

        // Invocations run after the hub's OnConnectedAsync: once Ping answers, the rooms are joined.
        await client.InvokeAsync<object>("Ping", [], timeout.Token);
        return client;
    }
}
