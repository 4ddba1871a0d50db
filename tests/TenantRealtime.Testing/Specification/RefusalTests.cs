using System.Security.Claims;
using FluentAssertions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// Refused means nothing delivered: a connection the hub refuses at connect receives no broadcast of any scope, however
/// many flow meanwhile, and is closed with its <c>code: sentence</c> without an Error-level log. The closes the library
/// decides later carry their reason, and say whether the client may reconnect.
/// </summary>
public abstract class RefusalTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "notice";

    [Fact]
    public async Task ConnectionsRefusedAtConnectReceiveNothingWhileBroadcastsToEveryoneFlow()
    {
        var a = Org("a");
        await using var capped = await Cluster.StartNodeAsync(o => o.MaxConnectionsPerUser = 1);
        var holder = Track(await RealtimeClient.ConnectAsync(capped.HubUrl, TestUser.Member("cara", a, "t1")));
        var control = await ConnectAsync(TestUser.Member("carl", a, "t1"), HubProtocolKind.Json, Event);

        using var stop = new CancellationTokenSource();
        var flowing = Task.Run(async () =>
        {
            // To everyone, and to the tenant the refused identities name, from both servers: every scope they could be in.
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await Cluster.Sender.Broadcaster.BroadcastToAllAsync(Event, "created", i);
                await capped.Broadcaster.BroadcastToAllAsync(Event, "created", i);
                await Cluster.Sender.Broadcaster.BroadcastToTenantAsync(a, "t1", Event, "created", i);

                // As fast as the readers keep up with: unpaced, the accepted clients would be cut loose as slow consumers.
                await Task.Delay(1);
            }
        });

        var refused = new List<(RealtimeClient Client, Task<string> Refusal)>();
        for (var round = 0; round < 4; round++)
        {
            foreach (var (why, token) in MalformedTokens(a))
            {
                var client = Track(RealtimeClient.Create(Cluster.Receiver.HubUrl, token, name: why, events: Event));
                refused.Add((client, client.StartExpectingRefusalAsync()));
            }

            var overCap = Track(RealtimeClient.Create(capped.HubUrl, TestUser.Member("cara", a, "t1").Token(), name: "over the user cap", events: Event));
            refused.Add((overCap, overCap.StartExpectingRefusalAsync()));
        }

        refused.Add(await RevokedWhileConnectingAsync(TestUser.Member("rita", a, "t1")));
        var refusals = await Task.WhenAll(refused.Select(r => Named(r.Client, r.Refusal)));
        await control.WaitForAsync(Event);
        await stop.CancelAsync();
        await flowing;

        refusals.Should().OnlyContain(r => r.Contains("unauthenticated: ", StringComparison.Ordinal) || r.Contains("limit-exceeded: ", StringComparison.Ordinal));
        foreach (var (client, _) in refused)
        {
            client.Received.Where(m => m.EventName == Event).Should().BeEmpty($"{client.Name} was refused");
        }

        (await holder.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        foreach (var node in new[] { Cluster.Receiver, capped })
        {
            node.Logs.GetSnapshot().Should().NotContain(
                r => r.Level >= LogLevel.Error && r.Message.Contains("OnConnectedAsync", StringComparison.Ordinal),
                "a refusal is an answer, not a server error");
        }
    }

    [Theory]
    [InlineData("user")]
    [InlineData("tenant")]
    public async Task RevokedConnectionsAreClosedWithACodedReasonAndNotToReconnect(string scope)
    {
        var a = Org("a");
        var client = await ConnectAsync(TestUser.Member("alice", a, "t1"));
        var reconnecting = ReconnectingOf(client);

        await (scope == "user"
            ? Cluster.Sender.Connections.DisconnectUserAsync(a, "alice")
            : Cluster.Sender.Connections.DisconnectTenantAsync(a, "t1"));

        var closed = await client.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        closed!.Message.Should().Contain($"unauthenticated: the {scope}'s connections were revoked.");
        reconnecting.Task.IsCompleted.Should().BeFalse("the close tells the client not to reconnect");
    }

    /// <summary>A refresh that finds the identity changed (an admin demoted) or gone (an empty role is no identity).</summary>
    [Theory]
    [InlineData(TenantRoles.Admin, TenantRoles.Member, "unauthenticated: the connection's identity changed; reconnect.")]
    [InlineData(TenantRoles.Member, " ", "unauthenticated: the connection is no longer authenticated; reconnect.")]
    public async Task AConnectionRefreshedIntoAnotherOrNoIdentityIsClosedWithACodedReasonAndMayReconnect(string role, string newRole, string reason)
    {
        var a = Org("a");
        var user = new TestUser("ada", a, "t1", role);
        var client = Track(RealtimeClient.Wrap(Reconnecting(Cluster.Receiver.HubUrl, user.Token()), user.ToString()));
        var reconnecting = ReconnectingOf(client);
        await client.StartAsync();
        (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");

        Authenticator.SetRole(a, "ada", newRole);
        await Cluster.Sender.Connections.RefreshUserRoomsAsync(a, "ada");

        var error = await reconnecting.Task.WaitAsync(RealtimeClient.DefaultTimeout);
        error!.Message.Should().Contain(reason);
    }

    [Fact]
    public async Task AClientThatLeavesWhileConnectingIsADebugLogNotAnError()
    {
        var (client, _) = await StartHeldAsync(TestUser.Member("lea", Org("a"), "t1"));

        // Held in its connect-time authentication, which the connection's end cancels.
        await client.Connection.StopAsync();

        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (!Cluster.Receiver.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Debug && r.Message.Contains("left while it was connecting", StringComparison.Ordinal)))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the server logs the client that left");
            await Task.Delay(20);
        }

        Cluster.Receiver.Logs.GetSnapshot().Should().NotContain(r => r.Level >= LogLevel.Error && r.Message.Contains("OnConnectedAsync", StringComparison.Ordinal));
    }

    private static async Task<string> Named(RealtimeClient client, Task<string> refusal)
    {
        try
        {
            return $"{client.Name}: {await refusal}";
        }
        catch (TimeoutException)
        {
            return $"{client.Name}: not refused";
        }
    }

    private static IEnumerable<(string Why, string Token)> MalformedTokens(string organizationId) =>
    [
        ("no org_id", TestJwt.Create("alice", null, "t1")),
        ("no sub", TestJwt.Create(null, organizationId, "t1")),
        ("org id with a separator", TestJwt.Create("alice", organizationId + ":x", "t1")),
        ("tenant id with a separator", TestJwt.Create("alice", organizationId, "t1:x")),
        ("oversized user id", TestJwt.Create(new string('u', 65), organizationId, null)),
        ("two org_id values", TestJwt.Create("alice", organizationId, "t1", extra: [new Claim("org_id", organizationId), new Claim("org_id", organizationId + "-b")])),
    ];

    /// <summary>A connection held in its connect-time authentication while its user is disconnected, then let go.</summary>
    private async Task<(RealtimeClient Client, Task<string> Refusal)> RevokedWhileConnectingAsync(TestUser user)
    {
        var (client, gate) = await StartHeldAsync(user, Event);
        await RevokeWhileHeldAsync(() => Cluster.Sender.Connections.DisconnectUserAsync(user.OrganizationId, user.UserId));
        gate.Release();
        return (client, client.Closed.WaitAsync(RealtimeClient.DefaultTimeout).ContinueWith(t => t.Result?.Message ?? "closed without an error", TaskScheduler.Default));
    }

    private static HubConnection Reconnecting(Uri hubUrl, string token) =>
        new HubConnectionBuilder()
            .WithUrl(hubUrl, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .WithAutomaticReconnect()
            .Build();

    private static TaskCompletionSource<Exception?> ReconnectingOf(RealtimeClient client)
    {
        var reconnecting = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Reconnecting += error =>
        {
            reconnecting.TrySetResult(error);
            return Task.CompletedTask;
        };
        return reconnecting;
    }
}
