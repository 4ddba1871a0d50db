using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// One client that stops reading can never stall, slow or starve anyone else: broadcasts to its tenant return at
/// once, its neighbours get everything in time, what waits for it is bounded, and it is cut loose. The stalled
/// clients connect to <see cref="IRealtimeCluster.Receiver"/> while <see cref="IRealtimeCluster.Sender"/> broadcasts,
/// so over Redis the deliveries arriving from another server are bounded too.
/// </summary>
public abstract class SlowConsumerTests<TCluster>(TCluster cluster) : RealtimeClusterTests<TCluster>(cluster)
    where TCluster : class, IRealtimeCluster
{
    private const string Event = "load";

    // 16 KB per broadcast: a few hundred fill the socket buffers of a client that stopped reading.
    private static readonly string Padding = new('x', 16 * 1024);

    private ITenantBroadcaster Broadcaster => Cluster.Sender.Broadcaster;


    [Fact]
    public async Task AStalledReaderNeverHoldsUpItsTenantAndIsCutLoose()
    {
        const int Count = 1_500;
        var org = Org("a");
        using var closed = new MetricCollector<long>(Cluster.Receiver.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.connections.closed_by_server");
        using var backlog = new MetricCollector<long>(Cluster.Receiver.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.send.backlog");
        await WarmUpAsync(org);
        await using var stalled = await StalledClient.ConnectAsync(Cluster.Receiver.HubUrl, TestUser.Member("mallory", org, "t1"));
        var neighbour = await ConnectAsync(TestUser.Member("nina", org, "t1"), HubProtocolKind.Json, Event);
        var bound = Cluster.Receiver.Services.GetRequiredService<IOptions<TenantRealtimeOptions>>().Value.MaxSendBacklogBytes;

        var sentAt = new long[Count];
        var calls = new double[Count];
        long peakBacklog = 0;
        for (var i = 0; i < Count; i++)
        {
            sentAt[i] = Stopwatch.GetTimestamp();
            await Broadcaster.BroadcastToTenantAsync(org, "t1", Event, "updated", new { n = i, pad = Padding });
            calls[i] = Stopwatch.GetElapsedTime(sentAt[i]).TotalMilliseconds;
            backlog.RecordObservableInstruments();
            peakBacklog = Math.Max(peakBacklog, backlog.LastMeasurement!.Value);

            // Paced, as request handlers broadcast: the neighbour reads ~16 MB/s, the stalled client none of it.
            await Task.Delay(1);
        }

        await neighbour.WaitForAsync(Event, m => Number(m) == Count - 1, TimeSpan.FromSeconds(30));
        var received = neighbour.Received.Where(m => m.EventName == Event).ToList();
        received.Select(Number).Should().Equal(Enumerable.Range(0, Count), "the neighbour gets every broadcast, in order");
        received.Select(m => (long)m["seq"]!).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        Percentile(calls, 0.99).Should().BeLessThan(50, "no broadcast call waits for the stalled reader");
        calls.Max().Should().BeLessThan(1_000);
        Percentile([.. received.Select(m => Stopwatch.GetElapsedTime(sentAt[Number(m)], m.ReceivedAt).TotalMilliseconds)], 0.99)
            .Should().BeLessThan(200, "the neighbour's latency does not wait on the stalled reader");
        peakBacklog.Should().BeLessThanOrEqualTo(bound + (32 * 1024), "what waits for the stalled reader is bounded");

        // Cut loose within a few seconds of passing the bound (it may never read the reason: only the server is asked).
        var cut = Cluster.Receiver.Logs.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Warning && r.Message.Contains("slow consumer", StringComparison.Ordinal)).Subject;
        closed.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["tenantrealtime.reason"] == "slow-consumer");
        await Cluster.WaitForRegistryAsync(Cluster.Receiver, async registry => await registry.CountAsync(org, "t1") == 1);
        var gone = Cluster.Receiver.Logs.GetSnapshot().First(r => r.Timestamp >= cut.Timestamp && r.Message.Contains("disconnected", StringComparison.Ordinal) && r.Message.Contains(cut.Message.Split(' ')[1], StringComparison.Ordinal));
        (gone.Timestamp - cut.Timestamp).Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StalledReadersInTenTenantsDoNotMoveTheLatencyOfTheOthers()
    {
        var org = Org("storm");
        await WarmUpAsync(org);
        var tenants = Enumerable.Range(0, 15).Select(i => $"t{i}").ToArray();
        var neighbours = new Dictionary<string, RealtimeClient>();
        foreach (var tenant in tenants)
        {
            neighbours[tenant] = await ConnectAsync(TestUser.Member($"n-{tenant}", org, tenant), HubProtocolKind.Json, Event);
        }

        var clean = tenants[10..];
        var before = await RoundsAsync(org, tenants, rounds: 20, first: 0, neighbours, clean);

        var stalled = new List<StalledClient>();
        try
        {
            foreach (var tenant in tenants[..10])
            {
                stalled.Add(await StalledClient.ConnectAsync(Cluster.Receiver.HubUrl, TestUser.Member($"s-{tenant}", org, tenant)));
            }

            var during = await RoundsAsync(org, tenants, rounds: 300, first: 20, neighbours, clean);

            // "Does not move": within what two cores running server, clients and test allow from run to run.
            during.Should().BeLessThan(Math.Max(before * 3, before + 100), $"the clean tenants' p99 was {before:F1} ms before the stalled readers");
            foreach (var (tenant, neighbour) in neighbours)
            {
                neighbour.Received.Count(m => m.EventName == Event && Number(m) >= 0).Should().Be(320, $"tenant {tenant}'s neighbour gets every broadcast");
            }
        }
        finally
        {
            foreach (var client in stalled)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Broadcasts <paramref name="rounds"/> rounds to every tenant and returns the p99 latency of the clean tenants' neighbours.</summary>
    private async Task<double> RoundsAsync(string org, string[] tenants, int rounds, int first, Dictionary<string, RealtimeClient> neighbours, string[] clean)
    {
        var sentAt = new Dictionary<(string, int), long>();
        for (var round = first; round < first + rounds; round++)
        {
            foreach (var tenant in tenants)
            {
                sentAt[(tenant, round)] = Stopwatch.GetTimestamp();
                await Broadcaster.BroadcastToTenantAsync(org, tenant, Event, "updated", new { n = round, pad = Padding });
            }

            await Task.Delay(5);
        }

        var latencies = new List<double>();
        foreach (var tenant in tenants)
        {
            await neighbours[tenant].WaitForAsync(Event, m => Number(m) == first + rounds - 1, TimeSpan.FromSeconds(30));
            if (clean.Contains(tenant))
            {
                latencies.AddRange(neighbours[tenant].Received
                    .Where(m => m.EventName == Event && Number(m) >= first)
                    .Select(m => Stopwatch.GetElapsedTime(sentAt[(tenant, Number(m))], m.ReceivedAt).TotalMilliseconds));
            }
        }

        return Percentile([.. latencies], 0.99);
    }

    /// <summary>Runs the broadcast path once per node so that the JIT is not what a timed call measures.</summary>
    private async Task WarmUpAsync(string org)
    {
        for (var i = 0; i < 20; i++)
        {
            await Broadcaster.BroadcastToTenantAsync(org, "warm-up", Event, "updated", new { n = -1, pad = Padding });
            await Cluster.Receiver.Broadcaster.BroadcastToTenantAsync(org, "warm-up", Event, "updated", new { n = -1, pad = Padding });
        }
    }

    private static int Number(ReceivedMessage message) =>
        message["data"] is IReadOnlyDictionary<string, object?> data && data.TryGetValue("n", out var n) ? Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) : -1;

    private static double Percentile(double[] values, double share)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
    }
}
