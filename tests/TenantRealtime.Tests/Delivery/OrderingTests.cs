namespace TenantRealtime.Tests.Delivery;

/// <summary>A room's broadcasts reach every connection in seq order, however many threads broadcast into it at once.</summary>
public sealed class OrderingTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ConcurrentBroadcastsIntoOneRoomArriveAtEveryConnectionInSeqOrder()
    {
        const int Threads = 8;
        const int PerThread = 100;
        var clients = new[]
        {
            await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"), HubProtocolKind.Json, "news"),
            await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("bob", "org-a", "t1"), HubProtocolKind.MessagePack, "news"),
            await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Admin("ada", "org-a"), HubProtocolKind.Json, "news"),
        };
        try
        {
            // Started together on thread-pool threads, so numbering and delivery really race.
            using var start = new Barrier(Threads);
            await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    await _node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", $"{t}-{i}");
                }
            })));

            foreach (var client in clients)
            {
                await Eventually(() => client.Received.Count(m => m.EventName == "news") == Threads * PerThread, client);
                client.Received.Where(m => m.EventName == "news").Select(m => (long)m["seq"]!)
                    .Should().Equal(Enumerable.Range(1, Threads * PerThread).Select(i => (long)i), $"{client.Name} gets the room in seq order");
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task Eventually(Func<bool> condition, RealtimeClient client)
    {
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{client.Name} received {client.Received.Count} messages.");
            }

            await Task.Delay(20);
        }
    }
}
