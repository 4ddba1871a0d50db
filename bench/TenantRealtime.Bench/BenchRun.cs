using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using TenantRealtime.BenchShared;

namespace TenantRealtime.Bench;

/// <summary>
/// One measured run: start the server process(es) (and redis-server), start the load client process, connect,
/// measure memory per idle connection, warm up, measure the scenario, write the JSON and print the table.
/// </summary>
internal static class BenchRun
{
    /// <summary>How long the harness waits for a client or server step that should take seconds.</summary>
    internal static readonly TimeSpan Slow = TimeSpan.FromSeconds(180);

    public static async Task<int> RunAsync(RunOptions o)
    {
        if (o.Scenario == Scenarios.SlowConsumer && o.Target == Targets.SocketIo)
        {
            // Not a failure: compare.sh goes on with the other targets of the session.
            await Console.Error.WriteLineAsync($"bench: {SlowConsumer.SocketIoSkipped}");
            return 0;
        }

        var paths = BenchPaths.Locate();
        var load = Proc.LoadAverage();
        await using var scope = new RunScope();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        // 1. Servers: one, or --servers N on one redis-server or a Redis Cluster. Broadcasts are issued on the first.
        var urls = new List<string>();
        var redis = Targets.ScalesOut(o.Target)
            ? scope.Add(await RedisBackplane.StartAsync(cluster: o.Target == Targets.TenantRealtimeRedisCluster))
            : null;
        var servers = new List<Child>();
        for (var i = 0; i < o.Servers; i++)
        {
            var port = Child.FreePort();
            var url = $"http://127.0.0.1:{port}";
            urls.Add(url);
            servers.Add(scope.Add(StartServer(o, paths, url, redis?.Configuration, i)));
        }

        foreach (var url in urls)
        {
            await WaitHealthyAsync(http, url, servers);
        }

        // connect-storm with --state-keys: every tenant's keys before anyone connects. The first server sets them as
        // state in state mode (the cluster's, on Redis); every server keeps them in its own store for the REST load.
        if (o.StateKeys > 0 && o.Scenario == Scenarios.ConnectStorm)
        {
            for (var i = 0; i < urls.Count; i++)
            {
                using var filled = await http.PostAsJsonAsync(new Uri($"{urls[i]}/bench/state-fill"), new
                {
                    tenants = o.Tenants,
                    tenantsPerOrg = o.TenantsPerOrg,
                    keys = o.StateKeys,
                    valueBytes = o.StateValueBytes,
                    mode = i == 0 ? o.Mode : Modes.Rest,
                });
                filled.EnsureSuccessStatusCode();
            }
        }

        // 2. The load client, its own process.
        var client = scope.Add(StartClient(o, paths, urls));
        await client.WaitForAsync("ready", Slow);

        // slow-consumer: the stalled readers, a process of their own; they connect just before the measured window.
        var stalled = o.Stalled > 0 ? scope.Add(SlowConsumer.Start(o, paths, urls)) : null;
        if (stalled is not null)
        {
            await stalled.WaitForAsync("ready", Slow);
        }

        // 3. Memory per idle connection: RSS after a full GC, between 10% and 100% of the connections (the slope,
        //    so one-time costs such as JIT of the connect path are not counted per connection). The load client holds
        //    every connection but slow-consumer's stalled ones.
        var readers = o.Connections - o.Stalled;
        var first = Math.Max(1, readers / 10);
        await client.AskAsync($"connect {first}", "connected", Slow);
        await Task.Delay(500);
        var (rss1, heap1) = await SettledMemoryAsync(http, urls, servers);
        var connected = await client.AskAsync($"connect {readers - first}", "connected", Slow);
        var connectSeconds = (double)connected["seconds"]!;
        var connectPerSec = readers - first > 0 && connectSeconds > 0 ? (readers - first) / connectSeconds : 0;
        await Task.Delay(1000);
        var (rss2, heap2) = await SettledMemoryAsync(http, urls, servers);
        var kbPerConnection = readers - first > 0 ? (rss2 - rss1) / 1024.0 / (readers - first) : 0;

        // The managed (or V8) heap's share of it: far less noisy than RSS, and where the library's own objects live.
        var heapKbPerConnection = readers - first > 0 ? (heap2 - heap1) / 1024.0 / (readers - first) : 0;
        await GcDumpAsync(o, servers);
        var idleRss = rss2;

        // What every server says it runs with, so a run JSON never claims presence its servers did not have.
        bool? serverPresence = null;
        if (Targets.IsTenantRealtime(o.Target))
        {
            var said = await Task.WhenAll(urls.Select(url => http.GetFromJsonAsync<JsonObject>(new Uri($"{url}/bench/stats"))));
            serverPresence = said.All(stats => stats?["presence"]?.GetValue<bool>() == true);
        }

        var result = new JsonObject
        {
            ["target"] = o.Target,
            ["scenario"] = o.Scenario,
            ["connections"] = o.Connections,
            ["tenants"] = o.Tenants,
            ["tenantsPerOrg"] = o.TenantsPerOrg,
            ["rate"] = o.Search is null ? o.Rate : "max",
            ["durationS"] = o.DurationS,
            ["producers"] = o.Producers,
            ["payloadBytes"] = o.PayloadBytes,
            ["profile"] = IsDotnet(o.Target) ? o.Profile : "n/a",
            ["label"] = o.Label,
            ["presence"] = o.Presence,

            // Keyed data (issue 30): how it reached the clients, whether final values were checked, keys per tenant.
            ["mode"] = o.Mode,
            ["keyed"] = o.Keyed,
            ["stateKeys"] = o.StateKeys,
            ["topicsPerTenant"] = o.TopicsPerTenant,
            ["topicSubscriptions"] = o.TopicSubscriptions,
            ["serverPresence"] = serverPresence,
            ["client"] = o.Client,
            ["servers"] = servers.Count,
            ["sourceAddresses"] = o.SourceAddresses,
            ["redisNodes"] = redis?.Nodes.Count ?? 0,
            ["connected"] = (int)connected["total"]!,

            // Connects the server refused for now (429 from connect admission) and the client retried until admitted:
            // not errors, but a cell whose clients were refused connected more slowly than its figures alone say.
            ["refused"] = connected["refused"]?.DeepClone(),
        };

        if (o.Scenario == Scenarios.ConnectStorm)
        {
            var cpu0 = Cpu(servers);
            var redisCpu0 = redis?.CpuMicros();
            var storm = await client.AskAsync(FormattableString.Invariant($"storm {o.DurationS}"), "storm", Slow + TimeSpan.FromSeconds(o.DurationS * 4));
            var cpuMicros = Cpu(servers) - cpu0;
            var redisCpuMicros = redis?.CpuMicros() - redisCpu0;
            var connects = (long)storm["connects"]!;
            var elapsed = (double)storm["seconds"]!;
            var report = await client.AskAsync("report", "report", Slow);
            var disconnects = (long)report["disconnects"]!;

            // With --state-keys a connect counts once the client holds its tenant's keys (state event or REST GET);
            // one that started without getting them in time is an error.
            var incomplete = (long?)storm["incomplete"] ?? 0;
            if (o.StateKeys > 0)
            {
                result["stormIncomplete"] = incomplete;
                result["stormFullStates"] = storm["full"]?.DeepClone();
                result["stormSeconds"] = Round(elapsed, 3);
                result["serverCpuS"] = Round(cpuMicros / 1e6, 3);
            }

            connectPerSec = elapsed > 0 ? connects / elapsed : 0;
            result["connects"] = connects;
            result["serverCpuUsPerConnect"] = connects > 0 ? Round((double)cpuMicros / connects) : null;
            result["redisCpuUsPerConnect"] = connects > 0 && redisCpuMicros is { } r ? Round((double)r / connects) : null;
            result["serverCpuPercent"] = Proc.CpuPercent(cpuMicros, elapsed);
            result["deliveredPerSec"] = 0;
            result["delivered"] = 0;
            result["disconnects"] = disconnects;
            result["lost"] = 0;
            result["errors"] = (long)report["errors"]! + disconnects + incomplete;

            // The clients' count runs on through the storm: its refusals as well as the first connects'.
            result["refused"] = storm["refused"]?.DeepClone();
        }
        else if (o.Scenario == Scenarios.ReconnectStorm)
        {
            await ReconnectStormAsync(http, urls, servers, client, redis, o, result);
        }
        else if (o.Scenario == Scenarios.SubscribeStorm)
        {
            var cpu0 = Cpu(servers);
            var storm = await client.AskAsync(FormattableString.Invariant($"subscribe-storm {o.DurationS}"), "subscribe-storm", Slow + TimeSpan.FromSeconds(o.DurationS * 4));
            var cpuMicros = Cpu(servers) - cpu0;
            var subscribes = (long)storm["subscribes"]!;
            var seconds = (double)storm["seconds"]!;
            result["subscribes"] = subscribes;
            result["subscribesPerSec"] = seconds > 0 ? Round(subscribes / seconds, 0) : null;
            result["subscribeCallP50Ms"] = storm["p50Ms"]?.DeepClone();
            result["subscribeCallP99Ms"] = storm["p99Ms"]?.DeepClone();
            result["serverCpuUsPerSubscribe"] = subscribes > 0 ? Round((double)cpuMicros / subscribes) : null;
            result["deliveredPerSec"] = 0;
            result["delivered"] = 0;
            result["lost"] = 0;
            result["disconnects"] = 0;
            result["errors"] = (long)storm["errors"]!;
        }
        else
        {
            var window = new Window(http, urls, servers, client, redis, o);
            if (o.WarmupS > 0)
            {
                result["warmup"] = await window.WarmUpAsync(o.Search?.StartRate ?? o.Rate, o.WarmupS);
            }

            if (stalled is not null)
            {
                await SlowConsumer.ConnectAsync(stalled);
            }

            var measured = o.Search is { } search
                ? await search.RunAsync(window, o.DurationS)
                : await window.MeasureAsync(o.Rate, o.DurationS);
            if (stalled is not null)
            {
                var slow = await SlowConsumer.ReportAsync(stalled, o);
                measured["errors"] = (long)measured["errors"]! + (long)slow["stalledErrors"]!;
                Move(slow, measured);
            }

            Move(measured, result);
        }

        foreach (var name in (string[])["p50Ms", "p99Ms", "p999Ms", "serverCpuUsPerMsg", "redisCpuUsPerMsg"])
        {
            result[name] ??= null;
        }

        result["serverRssMb"] = Round(Rss(servers) / 1048576.0, 1);
        result["serverPeakRssMb"] = Round(servers.Sum(s => Proc.RssBytes(s.Pid, peak: true)) / 1048576.0, 1);
        result["redisRssMb"] = redis is null ? null : Round(redis.RssBytes() / 1048576.0, 1);
        result["idleRssMb"] = Round(idleRss / 1048576.0, 1);
        result["kbPerConnection"] = Round(kbPerConnection, 2);
        result["heapKbPerConnection"] = Round(heapKbPerConnection, 2);
        result["connectPerSec"] = Round(connectPerSec, 0);
        result["machine"] = Machine(o, load);

        var json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (o.JsonPath is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, json + "\n");
        }

        Table.Print([result]);
        if (stalled is not null)
        {
            await stalled.AskAsync("quit", "bye", TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await client.AskAsync("quit", "bye", TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }

    /// <summary>Moves every member of <paramref name="from"/> to <paramref name="to"/>, in order (a node has one parent).</summary>
    private static void Move(JsonObject from, JsonObject to)
    {
        foreach (var (name, value) in from.ToList())
        {
            from.Remove(name);
            to[name] = value;
        }
    }

    private static Child StartServer(RunOptions o, BenchPaths paths, string url, string? redis, int index)
    {
        var port = new Uri(url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (o.Target == Targets.SocketIo)
        {
            paths.EnsureNodeModules();
            return Child.Start("socketio-server", "node", ["--expose-gc", "server.js", "--port", port, "--jwt-key", BenchAuth.DefaultKey], workingDirectory: paths.SocketIo);
        }

        // The cluster target runs the same servers as tenantrealtime-redis; only the Redis differs.
        var mode = o.Target == Targets.TenantRealtimeRedisCluster ? Targets.TenantRealtimeRedis : o.Target;
        var (env, extra) = ServerProfiles.Get(o.Profile);
        var env2 = new Dictionary<string, string>(env) { ["ASPNETCORE_ENVIRONMENT"] = "Production" };

        // Profiling hooks, e.g. BENCH_SERVER_ENV="DOTNET_PerfMapEnabled=1" for perf; recorded in the JSON.
        foreach (var pair in (Environment.GetEnvironmentVariable("BENCH_SERVER_ENV") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            env2[kv[0]] = kv.Length > 1 ? kv[1] : string.Empty;
        }

        List<string> args = [paths.ServerDll, "--mode", mode, "--url", url, "--jwt-key", BenchAuth.DefaultKey, .. extra];
        if (o.Presence && !args.Contains("--presence"))
        {
            args.Add("--presence");
        }

        if (redis is not null)
        {
            args.AddRange(["--redis", redis]);
        }

        return Child.Start($"server{index}", "dotnet", args, env2);
    }

    private static Child StartClient(RunOptions o, BenchPaths paths, List<string> urls)
    {
        List<string> common =
        [
            "--urls", string.Join(',', urls), "--tenants", $"{o.Tenants}", "--tenants-per-org", $"{o.TenantsPerOrg}",
            "--jwt-key", BenchAuth.DefaultKey, "--concurrency", $"{o.ConnectConcurrency}",
            "--source-addresses", $"{o.SourceAddresses}",
        ];
        if (o.Stalled > 0)
        {
            // Connections 0 .. Stalled - 1 are the stalled readers'; the load client's start after them.
            common.AddRange(["--first-index", $"{o.Stalled}"]);
        }

        if (o.Keyed || o.StateKeys > 0)
        {
            // Keyed data: state reaches a connection only after Authenticate has sent it its rooms' state; TenantRealtime's
            // broadcast and REST runs call it too, so the modes differ only in how the data travels.
            common.AddRange(["--mode", o.Mode]);
            if (Targets.IsTenantRealtime(o.Target))
            {
                // The bare hub has no Authenticate (nor state): its broadcasts reach a connection from its start.
                common.Add("--authenticate");
            }
            if (o.Scenario == Scenarios.ConnectStorm)
            {
                common.AddRange(["--state-keys", $"{o.StateKeys}"]);
            }
        }

        if (o.TopicsPerTenant > 0)
        {
            // topic-fanout: each connection subscribes to its topics (one list call) before it counts as connected;
            // subscribe-storm subscribes later, all at once.
            common.AddRange(["--topics-per-tenant", $"{o.TopicsPerTenant}", "--topic-subscriptions", $"{o.TopicSubscriptions}"]);
            if (o.Scenario == Scenarios.TopicFanout)
            {
                common.Add("--subscribe-on-connect");
            }
        }

        if (o.Client == Clients.Node)
        {
            // The same protocol and arguments as the .NET client: socket.io-client for socketio, @microsoft/signalr otherwise.
            paths.EnsureNodeModules();
            var directory = o.Target == Targets.SocketIo ? paths.SocketIo : paths.SignalRNode;
            return Child.Start("client", "node", ["client.js", .. common], workingDirectory: directory, jsonLines: true);
        }

        return Child.Start("client", "dotnet", [paths.ClientDll, "client", .. common], jsonLines: true);
    }

    private static async Task WaitHealthyAsync(HttpClient http, string url, List<Child> servers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (servers.Any(s => s.Exited))
            {
                throw new InvalidOperationException("a server process exited during start-up (see its output above).");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"{url}/bench/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the server at {url} did not become healthy within 60 s.");
    }

    private static async Task<(long Rss, long Heap)> SettledMemoryAsync(HttpClient http, List<string> urls, List<Child> servers)
    {
        long heap = 0;
        foreach (var url in urls)
        {
            using var response = await http.PostAsync(new Uri($"{url}/bench/gc"), null);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            heap += (long?)body?["heapBytes"] ?? 0;
        }

        await Task.Delay(300);
        return (Rss(servers), heap);
    }

    /// <summary>
    /// With BENCH_GCDUMP_DIR set, writes a heap snapshot of each .NET server while all connections are idle, for
    /// <c>dotnet-gcdump report</c> (which types hold the memory per connection). Needs the dotnet-gcdump tool.
    /// </summary>
    private static async Task GcDumpAsync(RunOptions o, List<Child> servers)
    {
        var directory = Environment.GetEnvironmentVariable("BENCH_GCDUMP_DIR");
        if (string.IsNullOrEmpty(directory) || !IsDotnet(o.Target))
        {
            return;
        }

        var tool = FindGcDumpTool();
        Directory.CreateDirectory(directory);
        for (var i = 0; i < servers.Count; i++)
        {
            var file = Path.Combine(directory, $"{o.Target}-{o.Profile}-{o.Connections}-{i}.gcdump");
            using var dump = Environment.GetEnvironmentVariable("BENCH_FULLDUMP") is "1" ? System.Diagnostics.Process.Start(tool.Replace("dotnet-gcdump", "dotnet-dump"), ["collect", "-p", $"{servers[i].Pid}", "-o", file + ".dmp", "--type", "Heap"]) : System.Diagnostics.Process.Start(tool, ["collect", "-p", $"{servers[i].Pid}", "-o", file])
                ?? throw new InvalidOperationException($"could not start {tool}.");
            await dump.WaitForExitAsync();
        }
    }

    // A global .NET tool lands in ~/.dotnet/tools, which is often not on PATH.
    private static string FindGcDumpTool()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
            .Select(directory => Path.Combine(directory, "dotnet-gcdump"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("BENCH_GCDUMP_DIR is set but dotnet-gcdump was not found: dotnet tool install -g dotnet-gcdump");
    }

    private static long Cpu(List<Child> servers) => servers.Sum(s => Proc.CpuMicros(s.Pid));

    /// <summary>
    /// reconnect-storm: tenant-fanout at --rate for the warm-up, so every connection has a position; then every
    /// connection is dropped at once and reconnects within --duration seconds (retrying refusals), TenantRealtime's
    /// resuming from its last position. Records how long until every client was back and resumed, what the servers
    /// spent and the most memory they held meanwhile (sampled every 100 ms).
    /// </summary>
    private static async Task ReconnectStormAsync(HttpClient http, List<string> urls, List<Child> servers, Child client, RedisBackplane? redis, RunOptions o, JsonObject result)
    {
        var window = new Window(http, urls, servers, client, redis, o);
        await window.WarmUpAsync(o.Rate, Math.Max(1, o.WarmupS));
        var resume = Targets.IsTenantRealtime(o.Target);
        var cpu0 = Cpu(servers);
        var rssBefore = Rss(servers);
        long peak = rssBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(servers));
                await Task.Delay(100);
            }
        });
        var storm = await client.AskAsync(FormattableString.Invariant($"reconnect-storm {o.DurationS} {(resume ? 1 : 0)}"), "reconnect-storm", Slow + TimeSpan.FromSeconds(o.DurationS * 4));
        await sampling.CancelAsync();
        await sampler;
        var cpuMicros = Cpu(servers) - cpu0;
        var report = await client.AskAsync("report", "report", Slow);
        var clients = (long)storm["clients"]!;
        result["stormClients"] = clients;
        result["stormBack"] = storm["back"]?.DeepClone();
        result["stormRecovered"] = storm["recovered"]?.DeepClone();
        result["stormReloaded"] = storm["reloaded"]?.DeepClone();
        result["stormSeconds"] = Round((double)storm["seconds"]!, 2);
        result["stormRefused"] = storm["refused"]?.DeepClone();
        result["refused"] = storm["refused"]?.DeepClone();
        result["serverCpuS"] = Round(cpuMicros / 1e6, 2);
        result["serverCpuUsPerConnect"] = clients > 0 ? Round((double)cpuMicros / clients) : null;
        result["stormPeakRssMb"] = Round(peak / 1048576.0, 1);
        result["stormRssBeforeMb"] = Round(rssBefore / 1048576.0, 1);
        result["deliveredPerSec"] = 0;
        result["delivered"] = 0;
        result["disconnects"] = report["disconnects"]?.DeepClone();
        result["lost"] = 0;
        result["errors"] = (long)report["errors"]! + (clients - (long)storm["back"]!);
    }

    private static long Rss(List<Child> servers) => servers.Sum(s => Proc.RssBytes(s.Pid));

    private static bool IsDotnet(string target) => target != Targets.SocketIo;

    private static double Round(double value, int digits = 2) => Math.Round(value, digits);

    private static JsonObject Machine(RunOptions o, double[] load)
    {
        var machine = new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["os"] = RuntimeInformation.OSDescription,
            ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
            ["cpuModel"] = CpuModel(),
            ["memoryGiB"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0, 1),
            ["loadAverageAtStart"] = new JsonArray([.. load.Select(l => (JsonNode?)l)]),
            ["serverSettings"] = o.Target == Targets.SocketIo ? $"node {NodeVersion()}" : ProfileText(o.Profile),
            ["extraServerEnv"] = Environment.GetEnvironmentVariable("BENCH_SERVER_ENV"),
        };
        return machine;
    }

    private static string ProfileText(string profile)
    {
        var (env, args) = ServerProfiles.Get(profile);
        var parts = env.Select(kv => $"{kv.Key}={kv.Value}").Concat(args).ToList();
        return parts.Count == 0 ? $"{profile}: ASP.NET Core defaults (Server GC)" : $"{profile}: {string.Join(' ', parts)}";
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string NodeVersion()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
            var v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return v;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }

    /// <summary>Kills every child (and Redis) the run started, in reverse order, when the run ends or fails.</summary>
    private sealed class RunScope : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _children = [];

        public T Add<T>(T child)
            where T : IAsyncDisposable
        {
            _children.Add(child);
            return child;
        }

        public async ValueTask DisposeAsync()
        {
            for (var i = _children.Count - 1; i >= 0; i--)
            {
                await _children[i].DisposeAsync();
            }
        }
    }
}

/// <summary>Where the harness's parts are, from this assembly's output directory.</summary>
/// <remarks>The Node parts (socket.io peer, Node load clients) share one install in <c>bench/peers</c>.</remarks>
internal sealed record BenchPaths(string BenchDir, string ServerDll, string ClientDll, string Peers)
{
    public string SocketIo => Path.Combine(Peers, "socketio");

    public string SignalRNode => Path.Combine(Peers, "signalr-node");

    public static BenchPaths Locate()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        var dir = baseDir;
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "TenantRealtime.BenchServer")))
        {
            dir = dir.Parent;
        }

        var bench = dir?.FullName ?? throw new InvalidOperationException("cannot find bench/ above " + baseDir.FullName);
        var server = Path.Combine(bench, "TenantRealtime.BenchServer", "bin", configuration, tfm, "TenantRealtime.BenchServer.dll");
        if (!File.Exists(server))
        {
            throw new InvalidOperationException($"the bench server is not built: {server} (dotnet build -c {configuration} bench/TenantRealtime.Bench)");
        }

        return new BenchPaths(bench, server, typeof(BenchPaths).Assembly.Location, Path.Combine(bench, "peers"));
    }

    public void EnsureNodeModules()
    {
        if (Installed())
        {
            return;
        }

        // Exactly what package-lock.json pins.
        using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = Peers })!;
        npm.WaitForExit();
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException("npm ci failed in " + Peers);
        }
    }

    /// <summary>Every dependency of package.json is in node_modules at its pinned version (an older install is not enough).</summary>
    private bool Installed()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Peers, "package.json")))!;
        foreach (var (name, version) in manifest["dependencies"]!.AsObject())
        {
            var installed = Path.Combine(Peers, "node_modules", name, "package.json");
            if (!File.Exists(installed) || (string?)JsonNode.Parse(File.ReadAllText(installed))?["version"] != (string?)version)
            {
                return false;
            }
        }

        return true;
    }
}
