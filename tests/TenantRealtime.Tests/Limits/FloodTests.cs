using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Tests.Limits;

/// <summary>A connection that floods the hub is limited, then closed; its neighbours do not notice.</summary>
public sealed class FloodTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = o =>
        {
            o.InvocationsPerSecond = 20;
            o.InvocationBurst = 20;
            o.DisconnectAfterRateLimitedInvocations = 200;
        },
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task AFloodingConnectionIsRateLimitedThenClosedWhileAnotherIsUnaffected()
    {
        await using var flooder = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("mallory", "org-a", "t1"));
        await using var neighbour = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"), HubProtocolKind.Json, "news");

        var rateLimited = 0;
        var flood = Task.Run(async () =>
        {
            var stopwatch = Stopwatch.StartNew();
            while (!flooder.Closed.IsCompleted && stopwatch.Elapsed < TimeSpan.FromSeconds(10))
            {
                var calls = Enumerable.Range(0, 50).Select(_ => flooder.Connection.InvokeCoreAsync("Ping", typeof(object), [])).ToList();
                foreach (var call in calls)
                {
                    try
                    {
                        await call;
                    }
                    catch (HubException ex) when (ex.Message.Contains("HubException: rate-limited: ", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref rateLimited);
                    }
                    catch (Exception) when (flooder.Closed.IsCompleted || flooder.Connection.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected)
                    {
                        // In-flight calls fail once the server closes the flooding connection.
                    }
                }
            }
        });

        // Meanwhile the neighbour keeps a normal pace: every call answers and every broadcast arrives.
        var sent = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            (await neighbour.InvokeAsync("Ping")).Should().ContainKey("timestamp");
            var marker = $"news-{i}";
            await _node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "updated", marker);
            sent.Add(marker);
            await Task.Delay(100);
        }

        await flood;
        await flooder.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        (await flooder.Closed)!.Message.Should().Contain("rate-limited: the connection kept invoking over the rate limit", "the flooding close carries its reason");
        rateLimited.Should().BeGreaterThan(0);
        await Sentinel.FlushAsync(_node.Broadcaster, [neighbour]);
        neighbour.Markers("news").Should().Equal(sent);
        (await neighbour.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task ACallerWithinTheLimitIsNeverRateLimited()
    {
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"));

        // Connecting spends one token of the burst of 20; stay inside it.
        for (var i = 0; i < 15; i++)
        {
            (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        }
    }
}
