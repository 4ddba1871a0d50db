using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>
/// The received payload: <c>data.t</c> (server wall clock, Unix µs) for the latency, and the room's position
/// (<c>room</c>, <c>epoch</c>, <c>seq</c>; TenantRealtime only) for reconnect-storm's <c>Resume</c>.
/// </summary>
internal sealed record ReceivedEnvelope(ReceivedData? Data, string? Room = null, string? Epoch = null, long? Seq = null);

/// <summary>The payload's number and timestamp; <c>k</c> is the key it is the value of in keyed drives (state-fanout).</summary>
internal sealed record ReceivedData(long N, long T, string? K = null);

/// <summary>
/// The .NET load client: opens connections (connection j is user u{j} of tenant t{j % T}, organization
/// o{(j % T) / tenantsPerOrg}: <see cref="LoadIdentity"/>), records the latency of every message from the server timestamp in the payload,
/// and answers the harness over stdin/stdout (one JSON object per line). The socket.io client speaks the same protocol.
/// </summary>
internal static class LoadClient
{
    private static readonly Histogram Latency = new();

    // subscribe-storm: the shortest round (a subscribe and an unsubscribe per connection).
    private static readonly TimeSpan RoundPeriod = TimeSpan.FromMilliseconds(250);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static long s_received;
    private static long s_from;
    private static long s_errors;
    private static long s_refused;
    private static long s_disconnects;

    // Keyed scenarios: whole-state messages received (not deliveries), and connections that started but did not get
    // their data (state or REST) in time.
    private static long s_full;
    private static long s_incomplete;

    // Each connection's last position (by its index), for reconnect-storm's Resume.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, (string Room, string Epoch, long Seq)> Positions = new();

    public static async Task<int> RunAsync(CommandLine c)
    {
        var urls = c.Get("urls", "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var identity = LoadIdentity.From(c);
        var concurrency = c.Int("concurrency", 100);

        // slow-consumer: connections 0 .. first-index - 1 are the stalled readers' (StalledReaders); this client's
        // k-th connection is connection first-index + k of the run.
        var firstIndex = c.Int("first-index", 0);
        var connections = new List<HubConnection>();

        // Keyed scenarios: --authenticate calls Authenticate after each start (which sends the whole state first);
        // --mode state|rest with --state-keys N: a connection counts as connected once it holds its tenant's N keys,
        // from the state event (state) or a REST GET of /api/state (rest, what the sample does today).
        var mode = c.Get("mode", "broadcast");
        var authenticate = c.Flag("authenticate");
        var stateKeys = c.Int("state-keys", 0);
        var topicsPerTenant = c.Int("topics-per-tenant", 0);
        var topics = new TopicPlan(topicsPerTenant, c.Int("topic-subscriptions", 0));
        var subscribeOnConnect = c.Flag("subscribe-on-connect");

        // One list call with connection j's topics (it is the (j / T)-th of its tenant).
        object TopicsOf(int j) => new { topics = topics.TopicsOf(j / identity.Tenants).Select(t => new { scope = "tenant", topic = TopicPlan.Name(t) }).ToArray() };
        var held = new System.Collections.Concurrent.ConcurrentDictionary<int, HeldState>();
        var indexes = new System.Collections.Concurrent.ConcurrentDictionary<HubConnection, int>();
        using var rest = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(60) };

        // Past one address's ephemeral ports, sockets leave from 127.0.0.1 … 127.0.0.K (SourceAddresses).
        var sourceCount = c.Int("source-addresses", 1);
        var handlers = Enumerable.Range(0, sourceCount)
            .Select(i => SourceAddresses.Of(i, sourceCount) is { } source ? new HttpMessageInvoker(SourceAddresses.HandlerFrom(source)) : null)
            .ToArray();

        HubConnection Create(int k)
        {
            var j = firstIndex + k;
            var token = identity.TokenFor(j);
            var connection = new HubConnectionBuilder()
                .WithUrl($"{urls[j % urls.Length]}{BenchAuth.HubPath}", HttpTransportType.WebSockets, o =>
                {
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    if (handlers[j % handlers.Length] is { } invoker)
                    {
                        o.WebSocketFactory = async (context, cancellationToken) =>
                        {
                            // A factory of our own replaces the client's, so the token goes on as it would: a header.
                            var socket = new System.Net.WebSockets.ClientWebSocket();
                            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
                            await socket.ConnectAsync(context.Uri, invoker, cancellationToken);
                            return socket;
                        };
                    }
                })
                .Build();
            var state = held[j] = new HeldState();
            indexes[connection] = j;
            connection.On<ReceivedEnvelope>("bench", envelope => OnMessage(j, envelope, state));
            connection.On<JsonElement>("state", message => OnState(message, state));
            connection.Closed += error =>
            {
                if (error is not null)
                {
                    Interlocked.Increment(ref s_disconnects);
                }

                return Task.CompletedTask;
            };
            return connection;
        }

        async Task<(int Ok, double Seconds)> ConnectAsync(IEnumerable<HubConnection> batch)
        {
            using var gate = new SemaphoreSlim(concurrency);
            var ok = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(batch.Select(async connection =>
            {
                await gate.WaitAsync();
                try
                {
                    if (await StartRetryingAsync(connection))
                    {
                        if (await ReadyAsync(connection))
                        {
                            Interlocked.Increment(ref ok);
                        }
                        else
                        {
                            Interlocked.Increment(ref s_incomplete);
                        }
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
            return (ok, clock.Elapsed.TotalSeconds);
        }

        // After a start: Authenticate, then (with --state-keys) until the connection holds its tenant's whole data.
        async Task<bool> ReadyAsync(HubConnection connection)
        {
            if (!authenticate && stateKeys <= 0 && !subscribeOnConnect)
            {
                return true;
            }

            var j = indexes[connection];
            try
            {
                if (subscribeOnConnect)
                {
                    await connection.InvokeAsync<JsonElement>("Subscribe", TopicsOf(j));
                }

                if (authenticate)
                {
                    await connection.InvokeAsync<JsonElement>("Authenticate", new { });
                }

                if (stateKeys <= 0)
                {
                    return true;
                }

                var state = held[j];
                if (mode == "state")
                {
                    // Authenticate sends the whole state before it answers; waiting on it too keeps the count honest
                    // whatever order the client runs handlers and completions in.
                    await state.Full.WaitAsync(TimeSpan.FromSeconds(60));
                }
                else if (mode == "rest")
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"{urls[j % urls.Length]}/api/state");
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", identity.TokenFor(j));
                    using var response = await rest.SendAsync(request);
                    response.EnsureSuccessStatusCode();
                    using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
                    foreach (var pair in body.RootElement.EnumerateObject())
                    {
                        state.Set(pair.Name, pair.Value.GetProperty("n").GetInt64());
                    }
                }

                return state.Count >= stateKeys;
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref s_errors) <= 5)
                {
                    await Console.Error.WriteLineAsync($"client: loading the state failed: {ex.GetBaseException().Message}");
                }

                return false;
            }
        }

        // Keyed drives: per connection, the keys of its tenant whose last value (/bench/state-final) it does not hold.
        async Task<object> CheckAsync()
        {
            var final = await rest.GetFromJsonAsync<Dictionary<string, Dictionary<string, long>>>(new Uri($"{urls[0]}/bench/state-final")) ?? [];
            long keys = 0, mismatched = 0, connectionsMismatched = 0;
            for (var k = 0; k < connections.Count; k++)
            {
                var j = firstIndex + k;
                var tenantFinal = final.GetValueOrDefault($"t{j % identity.Tenants}");
                var off = held.TryGetValue(j, out var state) ? state.Mismatches(tenantFinal) : tenantFinal?.Count ?? 0;
                keys += tenantFinal?.Count ?? 0;
                mismatched += off;
                connectionsMismatched += off > 0 ? 1 : 0;
            }

            return new { @event = "check", keys, mismatched, connectionsMismatched };
        }

        // subscribe-storm: every connection subscribes to its topics at once (one list call, no concurrency gate: a
        // page of viewers opening together does not queue), then unsubscribes them; rounds until the time is up. Only
        // the subscribes are timed, per call.
        async Task<object> SubscribeStormAsync(TimeSpan limit)
        {
            var calls = new Histogram();
            long subscribes = 0, errors = 0;
            double seconds = 0;
            var until = Stopwatch.StartNew();
            do
            {
                var round = Stopwatch.StartNew();
                await Task.WhenAll(connections.Select(async (connection, k) =>
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var answer = await connection.InvokeAsync<JsonElement>("Subscribe", TopicsOf(firstIndex + k));
                        calls.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                        Interlocked.Add(ref subscribes, answer.GetProperty("topics").EnumerateArray().Count(t => t.GetProperty("subscribed").GetBoolean()));
                    }
                    catch (Exception ex)
                    {
                        if (Interlocked.Increment(ref errors) <= 5)
                        {
                            await Console.Error.WriteLineAsync($"client: a subscribe failed: {ex.GetBaseException().Message}");
                        }
                    }
                }));
                seconds += round.Elapsed.TotalSeconds;
                await Task.WhenAll(connections.Select((connection, k) => connection.InvokeAsync<JsonElement>("Unsubscribe", TopicsOf(firstIndex + k))));

                // Two calls a round: a round at most every 250 ms stays within the default 20 invocations/s per connection.
                if (round.Elapsed < RoundPeriod)
                {
                    await Task.Delay(RoundPeriod - round.Elapsed);
                }
            }
            while (until.Elapsed < limit);

            return new { @event = "subscribe-storm", subscribes, seconds, errors, p50Ms = calls.QuantileMs(0.5), p99Ms = calls.QuantileMs(0.99) };
        }

        // reconnect-storm: every connection dropped at once, each reconnecting after a random moment within the
        // window (no concurrency gate: a deploy's clients do not queue), then resuming from its last position.
        async Task<object> ReconnectStormAsync(TimeSpan window, bool resume)
        {
            await Task.WhenAll(connections.Select(x => x.DisposeAsync().AsTask()));
            var fresh = Enumerable.Range(0, connections.Count).Select(Create).ToList();
            connections = fresh;
            long back = 0, recovered = 0, reloaded = 0, resumeErrors = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(fresh.Select(async (connection, k) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * window.TotalMilliseconds));
                if (!await StartRetryingAsync(connection))
                {
                    return;
                }

                Interlocked.Increment(ref back);
                if (!resume || !Positions.TryGetValue(firstIndex + k, out var p))
                {
                    return;
                }

                try
                {
                    var result = await connection.InvokeAsync<JsonElement>("Resume", new { positions = new[] { new { room = p.Room, epoch = p.Epoch, seq = p.Seq } } });
                    foreach (var room in result.GetProperty("rooms").EnumerateArray())
                    {
                        Interlocked.Increment(ref room.GetProperty("recovered").GetBoolean() ? ref recovered : ref reloaded);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref resumeErrors);
                    Interlocked.Increment(ref s_errors);
                    if (Interlocked.Read(ref resumeErrors) <= 5)
                    {
                        await Console.Error.WriteLineAsync($"client: resume failed: {ex.GetBaseException().Message}");
                    }
                }
            }));
            return new
            {
                @event = "reconnect-storm",
                clients = fresh.Count,
                back,
                recovered,
                reloaded,
                seconds = clock.Elapsed.TotalSeconds,
                errors = Interlocked.Read(ref s_errors),
                refused = Interlocked.Read(ref s_refused),
            };
        }

        Emit(new { @event = "ready" });
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts.FirstOrDefault())
            {
                case "connect":
                    var count = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    var batch = Enumerable.Range(connections.Count, count).Select(Create).ToList();
                    connections.AddRange(batch);
                    var (ok, seconds) = await ConnectAsync(batch);
                    Emit(new { @event = "connected", total = connections.Count(x => x.State == HubConnectionState.Connected), ok, seconds, errors = Interlocked.Read(ref s_errors), refused = Interlocked.Read(ref s_refused), incomplete = Interlocked.Read(ref s_incomplete) });
                    break;
                case "reset":
                    // "reset <t>": from now on count only messages the server sent at or after t (Unix µs).
                    Volatile.Write(ref s_from, parts.Length > 1 ? long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
                    Latency.Reset();
                    Interlocked.Exchange(ref s_received, 0);
                    Emit(new { @event = "reset" });
                    break;
                case "report":
                    Emit(new
                    {
                        @event = "report",
                        received = Interlocked.Read(ref s_received),
                        p50Ms = Latency.QuantileMs(0.50),
                        p99Ms = Latency.QuantileMs(0.99),
                        p999Ms = Latency.QuantileMs(0.999),
                        maxMs = Latency.MaxMs,
                        errors = Interlocked.Read(ref s_errors),
                        disconnects = Interlocked.Read(ref s_disconnects),
                        full = Interlocked.Read(ref s_full),
                        incomplete = Interlocked.Read(ref s_incomplete),
                        connected = connections.Count(x => x.State == HubConnectionState.Connected),
                        jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(),
                    });
                    break;
                case "storm":
                    // Connect storm: disconnect everyone, reconnect everyone, until the time is up; only connects are timed.
                    var until = Stopwatch.StartNew();
                    var limit = TimeSpan.FromSeconds(double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    long connects = 0;
                    double connectSeconds = 0;
                    while (until.Elapsed < limit)
                    {
                        await Task.WhenAll(connections.Select(x => x.DisposeAsync().AsTask()));
                        var fresh = Enumerable.Range(0, connections.Count).Select(Create).ToList();
                        connections = fresh;
                        var (made, took) = await ConnectAsync(fresh);
                        connects += made;
                        connectSeconds += took;
                    }

                    Emit(new { @event = "storm", connects, seconds = connectSeconds, errors = Interlocked.Read(ref s_errors), refused = Interlocked.Read(ref s_refused), incomplete = Interlocked.Read(ref s_incomplete), full = Interlocked.Read(ref s_full) });
                    break;
                case "subscribe-storm":
                    // Every connection subscribes to its topics at once, then unsubscribes; again until the time is up.
                    Emit(await SubscribeStormAsync(TimeSpan.FromSeconds(double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))));
                    break;
                case "reconnect-storm":
                    // "reconnect-storm <window s> <resume 0|1>"
                    var window = TimeSpan.FromSeconds(double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    Emit(await ReconnectStormAsync(window, parts.Length > 2 && parts[2] == "1"));
                    break;
                case "check":
                    Emit(await CheckAsync());
                    break;
                case "quit":
                    await Task.WhenAll(connections.Select(x => x.DisposeAsync().AsTask()));
                    Emit(new { @event = "bye" });
                    return 0;
                default:
                    Emit(new { @event = "error", message = $"unknown command '{line}'" });
                    break;
            }
        }

        return 0;
    }

    /// <summary>
    /// Starts a connection; a server that admits connections at a bounded rate refuses the excess with 429, which is
    /// retried after a jittered moment, as real clients do, and counted apart from errors. False when it failed.
    /// </summary>
    private static async Task<bool> StartRetryingAsync(HubConnection connection)
    {
        try
        {
            while (true)
            {
                try
                {
                    await connection.StartAsync();
                    return true;
                }
                // Negotiating, the refusal is an HttpRequestException with the status; skipping negotiation (as this
                // client does), the WebSocket handshake's WebSocketException names it in its message.
                catch (Exception refused) when (refused is HttpRequestException { StatusCode: System.Net.HttpStatusCode.TooManyRequests }
                    || (refused is System.Net.WebSockets.WebSocketException && refused.Message.Contains("'429'", StringComparison.Ordinal)))
                {
                    Interlocked.Increment(ref s_refused);
                    await Task.Delay(100 + Random.Shared.Next(400));
                }
            }
        }
        catch (Exception ex)
        {
            if (Interlocked.Increment(ref s_errors) <= 5)
            {
                await Console.Error.WriteLineAsync($"client: connect failed: {ex.GetBaseException().Message}");
            }

            return false;
        }
    }

    private static void OnMessage(int index, ReceivedEnvelope envelope, HeldState state)
    {
        if (envelope.Data is { K: { } key } keyed)
        {
            // Keyed broadcasts arrive in the order sent on a connection: the last one per key is its latest value.
            state.Set(key, keyed.N);
        }

        if (envelope is { Room: { } room, Epoch: { } epoch, Seq: { } seq })
        {
            Positions[index] = (room, epoch, seq);
        }

        var now = UnixMicros.Now();
        if (envelope.Data is { } data)
        {
            if (data.T < Volatile.Read(ref s_from))
            {
                return;
            }

            Latency.Record(now - data.T);
        }

        Interlocked.Increment(ref s_received);
    }

    /// <summary>A <c>state</c> event: one delivery per change message (its one key's value carries the send time).</summary>
    private static void OnState(JsonElement message, HeldState state)
    {
        var (applied, full, t) = state.Apply(message);
        if (!applied)
        {
            return;
        }

        if (full)
        {
            Interlocked.Increment(ref s_full);
            return;
        }

        if (t < Volatile.Read(ref s_from))
        {
            return;
        }

        Latency.Record(UnixMicros.Now() - t);
        Interlocked.Increment(ref s_received);
    }

    internal static void Emit(object value)
    {
        // One line per object; the harness reads stdout line by line.
        Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
        Console.Out.Flush();
    }
}
