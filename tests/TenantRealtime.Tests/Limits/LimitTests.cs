using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Tests.Limits;

/// <summary>Rooms, connections and message sizes are bounded, with clear <c>limit-exceeded</c> refusals.</summary>
public sealed class LimitTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = o =>
        {
            o.MaxRoomsPerConnection = 6;
            o.MaxConnectionsPerUser = 2;
            o.MaxConnectionsPerTenant = 3;
            o.MaximumReceiveMessageSize = 2048;
            o.HandshakeTimeout = TimeSpan.FromSeconds(1);
        },
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task JoinsBeyondTheRoomLimitAreRefused()
    {
        // A platform admin starts with 3 rooms; each foreign organization adds 2.
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.PlatformAdmin("pat", "org-p"));
        await client.InvokeAsync("JoinOrganization", new { organizationId = "org-b" });

        var join = () => client.InvokeAsync("JoinOrganization", new { organizationId = "org-c" });

        (await join.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("HubException: limit-exceeded: a connection may hold at most 6 rooms.");
        (await client.InvokeAsync("LeaveOrganization", new { organizationId = "org-b" })).Should().Contain("success", true);
        (await client.InvokeAsync("JoinOrganization", new { organizationId = "org-c" })).Should().Contain("success", true);
    }

    [Fact]
    public async Task ConnectionsBeyondThePerUserLimitAreRefused()
    {
        var user = TestUser.Member("alice", "org-u", "t1");
        await using var first = await RealtimeClient.ConnectAsync(_node.HubUrl, user);
        await using var second = await RealtimeClient.ConnectAsync(_node.HubUrl, user);
        await using var third = RealtimeClient.Create(_node.HubUrl, user.Token());

        var error = await third.StartExpectingRefusalAsync();

        error.Should().Contain("limit-exceeded: the user already has the maximum of 2 connections.");
        (await first.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task ConnectionsBeyondThePerTenantLimitAreRefused()
    {
        var clients = new List<RealtimeClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member($"m{i}", "org-t", "t1")));
        }

        await using var refused = RealtimeClient.Create(_node.HubUrl, TestUser.Member("m9", "org-t", "t1").Token());
        await using var otherTenant = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("m9", "org-t", "t2"));

        (await refused.StartExpectingRefusalAsync()).Should().Contain("limit-exceeded: the tenant already has the maximum of 3 connections.");
        (await otherTenant.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnOversizedMessageClosesOnlyItsConnection()
    {
        await using var sender = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("big", "org-s", "t1"));
        await using var neighbour = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("small", "org-s", "t1"));

        var send = () => sender.InvokeAsync("JoinOrganization", new { organizationId = new string('x', 4096) });

        await send.Should().ThrowAsync<Exception>();
        await sender.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        (await neighbour.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task AConnectionThatNeverCompletesTheHandshakeIsClosed()
    {
        using var socket = new ClientWebSocket();
        var url = new UriBuilder(_node.HubUrl) { Scheme = "ws", Query = "access_token=" + TestUser.Member("slow", "org-h", "t1").Token() }.Uri;
        await socket.ConnectAsync(url, CancellationToken.None);

        // Send nothing: the server must give up after the handshake timeout (1 s here).
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        result.MessageType.Should().Be(WebSocketMessageType.Close);
    }
}
