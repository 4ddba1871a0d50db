using System.Diagnostics;
using System.Net;
using TenantRealtime.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TenantRealtime.Redis.Tests.Chaos;

/// <summary>
/// Two real server processes, A and B, on one Redis (with AOF, so the history survives its restart), clients of one
/// tenant on both, broadcasts issued on A all along. A is killed with SIGKILL; its clients reach B through the same
/// front door and resume there with the official .NET client. What a killed server may lose is exactly what its
/// outbox held: broadcasts it accepted while Redis was unreachable and had not yet handed over.
/// </summary>
public sealed class KilledServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Tenant = "t1";
    private const int ClientsPerServer = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly string _organization = "o" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<ChaosClient> _clientsOfA = [];
    private readonly List<ChaosClient> _clientsOfB = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private RedisServer? _redis;
    private TestHostServer? _a;
    private TestHostServer? _b;
    private TcpRelay? _frontDoor;

    private RedisServer Redis => _redis!;

    private TestHostServer A => _a!;

    private TestHostServer B => _b!;

    private TcpRelay Front => _frontDoor!;

    private IEnumerable<ChaosClient> AllClients => _clientsOfA.Concat(_clientsOfB);

    public async Task InitializeAsync()
    {
        try
        {
            _redis = await RedisServer.StartAsync(RedisPersistence.AppendOnly);
            var prefix = "chaos-" + Guid.NewGuid().ToString("N")[..8];
            var a = TestHostServer.StartAsync("A", _redis, prefix);
            var b = TestHostServer.StartAsync("B", _redis, prefix);
            try
            {
                await Task.WhenAll(a, b);
            }
            finally
            {
                _a = a.IsCompletedSuccessfully ? a.Result : null;
                _b = b.IsCompletedSuccessfully ? b.Result : null;
            }

            // A's clients connect through the front door, which sends them to A while A is alive and to B after.
            _frontDoor = TcpRelay.Start(A.BaseAddress, B.BaseAddress);
            for (var i = 0; i < ClientsPerServer; i++)
            {
                _clientsOfA.Add(await ChaosClient.ConnectAsync($"a{i}", new Uri(Front.BaseAddress, RealtimeNode.HubPath), TestUser.Member($"a{i}", _organization, Tenant)));
                _clientsOfB.Add(await ChaosClient.ConnectAsync($"b{i}", B.HubUrl, TestUser.Member($"b{i}", _organization, Tenant)));
            }
        }
        catch
        {
            // Not every xUnit version disposes a test class whose initialization failed: clean up here.
            await DisposeAsync();
            throw;
        }

        Log("setup done");
    }

    public async Task DisposeAsync()
    {
        // Clients first (they would keep reconnecting), Redis last; every step runs even if one before it throws,
        // so no process outlives the test. Each is taken once, so a second call does nothing.
        IAsyncDisposable?[] owned = [.. AllClients, _frontDoor, _a, _b, _redis];
        (_frontDoor, _a, _b, _redis) = (null, null, null, null);
        _clientsOfA.Clear();
        _clientsOfB.Clear();
        var failures = new List<Exception>();
        foreach (var disposable in owned.OfType<IAsyncDisposable>())
        {
            try
            {
                await disposable.DisposeAsync();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Cleaning up after the chaos test failed.", failures);
        }
    }

    [Fact]
    public Task AServerKilledAfterAnOutageLosesNothingItAcceptedAndItsClientsResumeOnTheOther() => WithHostOutputOnFailure(async () =>
    {
        await using var loop = BroadcastLoop.Start(A, _organization, Tenant, "a");
        await loop.WaitUntilAsync(issued => issued.Count(i => i.Status == HttpStatusCode.OK) >= 5, "A numbers broadcasts");

        // Redis dies while broadcasts are in flight: one whose numbering Redis ran but did not answer before dying is
        // retried, finds its id among the kept entries and keeps its seq, so every client still gets it exactly once.
        await Redis.StopAsync();

        Log("Redis stopped");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Redis.RestartAsync();
        var restartedAt = loop.Issued.Count;
        Log("Redis restarted");

        // Each server reconnects to Redis on its own retry schedule, so B may still be reconnecting when A has drained
        // its outbox. The outage is over once B, where A's clients resume, is back too: a Resume on a server that still
        // knows Redis as down answers recovered=false (as documented), and the clients would rightly be told to reload.
        await Eventually.HoldsAsync(B.IsConnectedToRedisAsync, "B is connected to Redis again", Wait);
        await Eventually.HoldsAsync(
            async () => await A.OutboxSizeAsync() == 0 && loop.Issued.Skip(restartedAt).Any(i => i.Status == HttpStatusCode.OK),
            "A has sent its outbox and numbers broadcasts again",
            Wait);
        A.Kill();
        Log("A killed");
        await loop.Completion.WaitAsync(Wait);

        var onB = await BroadcastOnBUntilNumberedAsync();
        await WaitUntilEveryClientHasAsync(onB[^1].Marker);
        Log("every client has B's last broadcast");

        var issued = loop.Issued;
        Summarize(issued, held: 0, onB);
        issued.Where(i => !i.Unanswered).Should().OnlyContain(i => i.Accepted, "A accepts every broadcast, Redis down or not");
        issued.Count(i => i.Queued).Should().BePositive("broadcasts were accepted into the outbox during the outage");
        issued.Count(i => i.Unanswered).Should().BeLessThanOrEqualTo(1, "one request at a time was in flight when A died");
        foreach (var client in AllClients)
        {
            // A broadcast in flight when A died may or may not have been numbered: if it was, it is delivered in its place.
            var expected = issued.Where(i => i.Accepted || (i.Unanswered && client.HasReceived(i.Marker))).Concat(onB).Select(i => i.Marker);
            client.Markers.Should().Equal(expected, "{0} gets every accepted broadcast once, in order", client);
            ShouldHaveNoGap(client);
            client.Reloads.Should().BeEmpty("{0} loses nothing, so it is never asked to reload", client);
        }

        foreach (var client in _clientsOfA)
        {
            client.Resumes.Should().NotBeEmpty("{0} reconnected to B after A died", client);
            client.Resumes.SelectMany(r => r.Rooms).Should().OnlyContain(r => r.Recovered, "B replays what {0} missed from the history in Redis", client);
        }
    });

    [Fact]
    public Task AServerKilledDuringAnOutageLosesExactlyWhatItsOutboxHeld() => WithHostOutputOnFailure(async () =>
    {
        await using var loop = BroadcastLoop.Start(A, _organization, Tenant, "a");
        await loop.WaitUntilAsync(issued => issued.Count(i => i.Status == HttpStatusCode.OK) >= 5, "A numbers broadcasts");

        // Between two broadcasts, as in the test above.
        using (await loop.PauseAsync())
        {
            await Redis.StopAsync();
        }

        Log("Redis stopped");
        await loop.WaitUntilAsync(issued => issued.Count(i => i.Queued) >= 20, "A accepts broadcasts into its outbox while Redis is down");

        // Nothing in flight, so the gauge read just before the kill is what the kill loses.
        await loop.StopAsync();
        var held = await A.OutboxSizeAsync();

        // A's clients find no server for a while, as if their reconnects were spread out, and come back once B
        // numbers again: the Resume of a client that reconnects while Redis is still down answers recovered=false.
        Front.IsOpen = false;
        A.Kill();
        Log($"A killed holding {held}");
        await Redis.RestartAsync();
        Log("Redis restarted");
        var onB = await BroadcastOnBUntilNumberedAsync();
        Front.IsOpen = true;
        await WaitUntilEveryClientHasAsync(onB[^1].Marker);
        Log("every client has B's last broadcast");

        var issued = loop.Issued;
        Summarize(issued, held, onB);
        issued.Should().OnlyContain(i => i.Accepted, "A accepts every broadcast, Redis down or not");
        held.Should().BePositive("A held broadcasts for Redis when it was killed");
        var lost = issued.Where(i => i.Queued).Select(i => i.Marker).ToList();
        lost.Should().HaveCount((int)held, "what is lost is exactly what the outbox gauge counted at the kill");
        foreach (var client in AllClients)
        {
            client.Markers.Should().Equal(issued.Where(i => !i.Queued).Concat(onB).Select(i => i.Marker), "{0} gets everything A numbered before the outage and everything after, once, in order", client);
            client.Markers.Should().NotIntersectWith(lost);
            ShouldHaveNoGap(client);
            client.Reloads.Should().BeEmpty("nothing numbered was lost, so {0} is never asked to reload", client);
        }

        foreach (var client in _clientsOfA)
        {
            client.Resumes.Should().NotBeEmpty("{0} reconnected to B after A died", client);
            client.Resumes.SelectMany(r => r.Rooms).Should().OnlyContain(r => r.Recovered, "the lost broadcasts were never numbered: {0}'s room has no gap", client);
        }
    });

    /// <summary>
    /// Seqs one after the other from the room's first: a resume that answered recovered=true left no hole, and
    /// nothing was handed over twice.
    /// </summary>
    private static void ShouldHaveNoGap(ChaosClient client)
    {
        var seqs = client.Seqs;
        seqs.Should().NotBeEmpty().And.NotContainNulls();
        seqs.Should().Equal(Enumerable.Range(1, seqs.Count).Select(i => (long?)i), "{0}'s room has every seq from 1, once (resumes: {1})", client, client.Resumes.Count);
    }

    /// <summary>Broadcasts on B until one is numbered (B may still be reconnecting to Redis); returns all of them.</summary>
    private async Task<IReadOnlyList<Issued>> BroadcastOnBUntilNumberedAsync()
    {
        var issued = new List<Issued>();
        await Eventually.HoldsAsync(
            async () =>
            {
                var marker = $"b{issued.Count:D4}";
                var (status, seq) = await B.BroadcastAsync(_organization, Tenant, marker);
                issued.Add(new Issued(marker, status, seq));
                status.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Accepted);
                return seq is not null;
            },
            "B numbers broadcasts",
            Wait);
        return issued;
    }

    /// <summary>
    /// Waits until every client has <paramref name="marker"/> and A's clients have had their resume answered (a
    /// replay can deliver the marker before the client raises <c>Resumed</c>).
    /// </summary>
    private async Task WaitUntilEveryClientHasAsync(string marker)
    {
        bool Done(ChaosClient client) => client.HasReceived(marker) && (_clientsOfB.Contains(client) || client.Resumes.Count > 0);
        try
        {
            await Eventually.HoldsAsync(() => AllClients.All(Done), $"every client has {marker}", Wait);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; not yet: {string.Join(", ", AllClients.Where(c => !Done(c)).Select(c => $"{c} ({c.State}, {c.Markers.Count} received, {c.Resumes.Count} resumes)"))}", ex);
        }
    }

    private void Summarize(IReadOnlyList<Issued> issued, long held, IReadOnlyList<Issued> onB)
    {
        output.WriteLine($"A: {issued.Count} issued, {issued.Count(i => i.Status == HttpStatusCode.OK)} numbered (200), {issued.Count(i => i.Queued)} queued (202), {issued.Count(i => i.Unanswered)} unanswered; outbox at the kill: {held}; B: {onB.Count} issued");
        foreach (var client in AllClients)
        {
            output.WriteLine($"{client}: {client.Markers.Count} received, {client.Resumes.Count} resumes ({string.Join(", ", client.Resumes.SelectMany(r => r.Rooms).Select(r => $"recovered={r.Recovered} replayed={r.Replayed}"))}), {client.Reloads.Count} reloads");
        }
    }

    private void Log(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F2} s  {what}");

    private async Task WithHostOutputOnFailure(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            foreach (var host in new[] { _a, _b })
            {
                output.WriteLine($"---- host {host?.Name} (last 60 lines) ----");
                output.WriteLine(string.Join('\n', (host?.Output ?? "").Split('\n').TakeLast(60)));
            }

            throw;
        }
    }
}
