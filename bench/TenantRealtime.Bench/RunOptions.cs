namespace TenantRealtime.Bench;

internal static class Targets
{
    public const string TenantRealtime = "tenantrealtime";
    public const string TenantRealtimeRedis = "tenantrealtime-redis";

    /// <summary>The same servers as <see cref="TenantRealtimeRedis"/> on a local 3-master Redis Cluster.</summary>
    public const string TenantRealtimeRedisCluster = "tenantrealtime-redis-cluster";
    public const string SignalR = "signalr";

    /// <summary>The bare hub of <see cref="SignalR"/> on SignalR's own Redis backplane (<c>AddStackExchangeRedis</c>).</summary>
    public const string SignalRRedis = "signalr-redis";
    public const string SocketIo = "socketio";

    public static readonly string[] All = [TenantRealtime, TenantRealtimeRedis, TenantRealtimeRedisCluster, SignalR, SignalRRedis, SocketIo];

    /// <summary>The targets whose servers scale out over Redis: <c>--servers N</c> of them, two unless told otherwise.</summary>
    /// <summary>Whether the target is TenantRealtime (which numbers broadcasts and answers <c>Resume</c>).</summary>
    public static bool IsTenantRealtime(string target) => target is TenantRealtime or TenantRealtimeRedis or TenantRealtimeRedisCluster;

    public static bool ScalesOut(string target) => target is TenantRealtimeRedis or TenantRealtimeRedisCluster or SignalRRedis;

    /// <summary>Server processes a run of <paramref name="target"/> starts when <c>--servers</c> is not given.</summary>
    public static int DefaultServers(string target) => ScalesOut(target) ? 2 : 1;
}

/// <summary>Which load client drives the run: the .NET one, or Node (@microsoft/signalr; socket.io-client for socketio).</summary>
internal static class Clients
{
    public const string Dotnet = "dotnet";
    public const string Node = "node";

    public static readonly string[] All = [Dotnet, Node];
}

internal static class Scenarios
{
    public const string TenantFanout = "tenant-fanout";
    public const string OrgFanout = "org-fanout";
    public const string BroadcastAll = "broadcast-all";
    public const string ConnectStorm = "connect-storm";

    /// <summary>tenant-fanout where some connections stop reading their socket (<see cref="SlowConsumer"/>).</summary>
    public const string SlowConsumer = "slow-consumer";

    /// <summary>
    /// A deploy: tenant-fanout for a moment, then every connection dropped at once and reconnecting within a jitter
    /// window of --duration seconds, retrying refusals, with <c>Resume</c> from its last position for TenantRealtime.
    /// </summary>
    public const string ReconnectStorm = "reconnect-storm";

    /// <summary>
    /// Keyed changes to each tenant (issue 30): <c>--mode state</c> sets a key of the tenant's state room per change
    /// (<c>ITenantState.SetAsync</c>, merged by the rate bound), <c>--mode broadcast</c> sends each change as a tenant
    /// broadcast naming its key. Every client calls Authenticate and must end with each key's last value.
    /// </summary>
    public const string StateFanout = "state-fanout";

    /// <summary>
    /// Topics (issue 31): each tenant has --topics-per-tenant topics, each connection subscribes to
    /// --topic-subscriptions of its tenant's (<c>TopicPlan</c>), and the driver broadcasts to the topics round-robin;
    /// --rate counts deliveries, as tenant-fanout's does.
    /// </summary>
    public const string TopicFanout = "topic-fanout";

    /// <summary>
    /// Topics (issue 31): every connected connection subscribes to its --topic-subscriptions topics at once (one list
    /// call each), then unsubscribes, again until --duration is up; only the subscribes are timed.
    /// </summary>
    public const string SubscribeStorm = "subscribe-storm";

    public static readonly string[] All = [TenantFanout, OrgFanout, BroadcastAll, ConnectStorm, SlowConsumer, ReconnectStorm, StateFanout, TopicFanout, SubscribeStorm];
}

/// <summary>
/// How keyed data reaches the clients (issue 30): <c>broadcast</c> (events; the default), <c>state</c> (keyed state
/// through <c>ITenantState</c>) or <c>rest</c> (connect-storm only: each client GETs its tenant's keys after connecting,
/// as the sample does today). Given with <c>--mode</c> or a profile (<c>@state</c>, <c>@broadcast</c>, <c>@rest</c>).
/// </summary>
internal static class Modes
{
    public const string Broadcast = "broadcast";
    public const string State = "state";
    public const string Rest = "rest";

    public static readonly string[] All = [Broadcast, State, Rest];
}

/// <summary>One measured run.</summary>
internal sealed record RunOptions(
    string Target,
    string Scenario,
    int Connections,
    int Tenants,
    int TenantsPerOrg,
    double Rate,
    double DurationS,
    double WarmupS,
    string? JsonPath,
    string Profile,
    int ConnectConcurrency,
    string? Label,
    string Client,
    RateSearch? Search = null,
    int Producers = 1,
    int SettleRounds = Window.MaxSettleRounds,
    int PayloadBytes = RunOptions.DefaultPayloadBytes,
    int Stalled = 0,
    int Servers = 1,
    int SourceAddresses = 1,
    bool Presence = false,
    string Mode = Modes.Broadcast,
    bool Keyed = false,
    int StateKeys = 0,
    int StateValueBytes = RunOptions.DefaultStateValueBytes,
    int TopicsPerTenant = 0,
    int TopicSubscriptions = 0)
{
    /// <summary>The padding of each value of a connect storm's keys: with its number, time and key ~190 bytes of JSON.</summary>
    public const int DefaultStateValueBytes = 150;

    /// <summary>The share of the connections that stop reading in slow-consumer unless told otherwise.</summary>
    public const double DefaultStalledShare = 0.05;

    /// <summary>The padding of every message's data unless <c>--payload-bytes</c> says otherwise (bench/NOTEBOOK.md, Method).</summary>
    public const int DefaultPayloadBytes = 26;

    /// <summary>More server processes than this on a 2-core machine measure the scheduler, not the servers.</summary>
    public const int MaxServers = 8;

    public const string Usage =
        "usage: --target <tenantrealtime|tenantrealtime-redis|tenantrealtime-redis-cluster|signalr|signalr-redis|socketio>\n" +
        "       --scenario <tenant-fanout|org-fanout|broadcast-all|connect-storm|slow-consumer|reconnect-storm|state-fanout|topic-fanout|subscribe-storm>\n" +
        "       [--topics-per-tenant 100] [--topic-subscriptions 50] (topic-fanout, subscribe-storm (default 10 per\n" +
        "         connection): topics per tenant, and per connection)\n" +
        "       (reconnect-storm: --duration is the window the reconnects spread over; .NET client only)\n" +
        "       --connections N --tenants T --rate R (deliveries/s, 0 = unpaced, max = the highest sustained) --duration S --json <file>\n" +
        "       [--start-rate 20000 --rate-step 10000 --max-p99-ms 500 --max-rate 2000000] (with --rate max; --duration is then per step)\n" +
        "       [--settle-rounds 15] (warm-up rounds until the JIT settles; 0 = the --warmup period only)\n" +
        "       [--producers 1] (concurrent producer loops in a .NET server; the Node peer has one event loop)\n" +
        "       [--payload-bytes 26] (the padding in each message's data, bytes)\n" +
        "       [--stalled-share 0.05 | --stalled-per-tenant K] (slow-consumer: connections that stop reading; not socketio)\n" +
        "       [--tenants-per-org 10] [--warmup S] [--profile default|nospin-inline|...] [--connect-concurrency 100] [--label text]\n" +
        "       [--client dotnet|node] (the load client; .NET targets default to dotnet, socketio is always node)\n" +
        "       [--servers 2] (Redis targets: N servers on one redis-server, or on a 3-master cluster for\n" +
        "       tenantrealtime-redis-cluster; connections split evenly, broadcasts issued on the first)\n" +
        "       [--source-addresses K] (client sockets from 127.0.0.1 … 127.0.0.K; default: as many as the ephemeral ports need)\n" +
        "       [--presence] (TenantRealtime targets: the servers run with EnablePresence, to measure it on vs off)\n" +
        "       [--mode broadcast|state|rest] (keyed data, .NET client; also as profiles @broadcast @state @rest):\n" +
        "         state-fanout and slow-consumer: each change a tenant broadcast naming its key, or ITenantState.SetAsync;\n" +
        "         connect-storm with --state-keys N: each client holds its tenant's N keys (state event, or REST GET)\n" +
        "       [--state-keys N] (state-fanout: keys per tenant, default 1; connect-storm: keys filled per tenant first)\n" +
        "       [--state-value-bytes 150] (connect-storm: padding of each filled value)";

    public static RunOptions From(CommandLine c)
    {
        var target = c.Get("target") ?? throw new ArgumentException("--target is required.");
        if (!Targets.All.Contains(target))
        {
            throw new ArgumentException($"unknown --target '{target}'.");
        }

        var scenario = c.Get("scenario", Scenarios.TenantFanout);
        if (!Scenarios.All.Contains(scenario))
        {
            throw new ArgumentException($"unknown --scenario '{scenario}'.");
        }

        var connections = c.Int("connections", 1000);
        var tenants = Math.Clamp(c.Int("tenants", 100), 1, Math.Max(1, connections));
        var duration = c.Double("duration", 10);
        var profile = c.Get("profile", ServerProfiles.Default);
        if (!ServerProfiles.All.Contains(profile))
        {
            throw new ArgumentException($"unknown --profile '{profile}' (one of {string.Join(", ", ServerProfiles.All)}).");
        }

        // socketio has only a Node client: an explicit --client dotnet is refused, not ignored, so no run JSON names a
        // client it did not use.
        var client = c.Get("client") ?? (target == Targets.SocketIo ? Clients.Node : Clients.Dotnet);
        if (!Clients.All.Contains(client))
        {
            throw new ArgumentException($"unknown --client '{client}' (dotnet or node).");
        }

        // --rate max: step the paced rate up until the target no longer keeps it (RateSearch).
        var search = c.Get("rate") == "max"
            ? new RateSearch(Positive(c.Double("start-rate", 20000), "--start-rate"), Positive(c.Double("rate-step", 10000), "--rate-step"), Positive(c.Double("max-p99-ms", 500), "--max-p99-ms"), Positive(c.Double("max-rate", 2_000_000), "--max-rate"))
            : null;
        if (search is not null && scenario is Scenarios.ConnectStorm or Scenarios.ReconnectStorm)
        {
            throw new ArgumentException($"--rate max needs a delivery scenario, not {scenario}.");
        }

        if (scenario == Scenarios.ReconnectStorm && client != Clients.Dotnet)
        {
            throw new ArgumentException("--scenario reconnect-storm is driven by the .NET client only (it resumes with the wire contract's Resume).");
        }

        if (search is not null && scenario == Scenarios.SlowConsumer)
        {
            throw new ArgumentException("--rate max needs a scenario whose connections all read, not slow-consumer.");
        }

        if (target == Targets.SocketIo && client != Clients.Node)
        {
            throw new ArgumentException("--target socketio is driven by the Node socket.io client only: use --client node or leave --client out.");
        }

        // Keyed data (issue 30): which mode, whether the run checks final values, how many keys.
        var explicitMode = ModeOf(c, profile);
        var mode = explicitMode ?? Modes.Broadcast;
        var stateKeys = c.Int("state-keys", scenario == Scenarios.StateFanout ? 1 : 0);
        var keyed = scenario == Scenarios.StateFanout || (explicitMode is not null && scenario is Scenarios.SlowConsumer);
        if (mode == Modes.State && !Targets.IsTenantRealtime(target))
        {
            throw new ArgumentException($"--mode state needs a TenantRealtime target; {target} has no keyed state.");
        }

        if (mode == Modes.Rest && scenario != Scenarios.ConnectStorm)
        {
            throw new ArgumentException("--mode rest is a connect-storm's load of the data (with --state-keys N).");
        }

        if (scenario == Scenarios.ConnectStorm && (stateKeys > 0) != (mode is Modes.State or Modes.Rest))
        {
            throw new ArgumentException("connect-storm with keyed data needs both --state-keys N and --mode state or rest.");
        }

        if (stateKeys < 0 || (stateKeys == 0 && scenario == Scenarios.StateFanout))
        {
            throw new ArgumentException("--state-keys must be positive.");
        }

        if (stateKeys > 0 && scenario is not (Scenarios.StateFanout or Scenarios.ConnectStorm))
        {
            throw new ArgumentException("--state-keys needs --scenario state-fanout or connect-storm.");
        }

        if (explicitMode is not null && scenario is not (Scenarios.StateFanout or Scenarios.ConnectStorm or Scenarios.SlowConsumer))
        {
            throw new ArgumentException("--mode needs --scenario state-fanout, connect-storm (with --state-keys) or slow-consumer.");
        }

        if ((keyed || stateKeys > 0) && (client != Clients.Dotnet || search is not null))
        {
            throw new ArgumentException("keyed runs (state-fanout, --mode, --state-keys) are driven by the .NET client at a paced rate only.");
        }

        var topicFanout = scenario is Scenarios.TopicFanout or Scenarios.SubscribeStorm;
        if (topicFanout && (!Targets.IsTenantRealtime(target) || client != Clients.Dotnet || search is not null))
        {
            throw new ArgumentException($"{scenario} needs a TenantRealtime target, driven by the .NET client at a paced rate.");
        }

        // The load client holds every connection of the cell.
        DescriptorLimit.Check(connections, processes: 1);
        return new RunOptions(
            target,
            scenario,
            connections > 0 ? connections : throw new ArgumentException("--connections must be positive."),
            tenants,
            Math.Max(1, c.Int("tenants-per-org", 10)),
            search is null ? c.Double("rate", 20000) : 0,
            duration > 0 ? duration : throw new ArgumentException("--duration must be positive."),
            c.Double("warmup", Math.Min(3, duration)),
            c.Get("json"),
            profile,
            Math.Max(1, c.Int("connect-concurrency", 100)),
            c.Get("label"),
            client,
            search,
            Math.Max(1, c.Int("producers", 1)),
            Math.Max(0, c.Int("settle-rounds", Window.MaxSettleRounds)),
            (int)Positive(c.Int("payload-bytes", DefaultPayloadBytes), "--payload-bytes"),
            StalledOf(c, scenario, connections, tenants),
            ServersOf(c, target),
            Bench.SourceAddresses.For(connections, c.Int("source-addresses", 0)),
            PresenceOf(c, target, profile),
            mode,
            keyed,
            stateKeys,
            (int)Positive(c.Int("state-value-bytes", DefaultStateValueBytes), "--state-value-bytes"),
            topicFanout ? (int)Positive(c.Int("topics-per-tenant", 100), "--topics-per-tenant") : 0,
            topicFanout ? (int)Positive(c.Int("topic-subscriptions", scenario == Scenarios.SubscribeStorm ? 10 : 50), "--topic-subscriptions") : 0);
    }

    /// <summary>
    /// The keyed-data mode: <c>--mode</c>, or a profile's <c>--drive</c> (<c>@state</c>, <c>@broadcast</c>, <c>@rest</c>),
    /// which compare.sh alternates; null when neither names one (the scenario's usual broadcasts).
    /// </summary>
    private static string? ModeOf(CommandLine c, string profile)
    {
        var args = ServerProfiles.Get(profile).Args;
        var drive = Array.IndexOf(args, "--drive");
        var fromProfile = drive >= 0 ? args[drive + 1] : null;
        var given = c.Get("mode");
        if (given is not null && !Modes.All.Contains(given))
        {
            throw new ArgumentException($"unknown --mode '{given}' (broadcast, state or rest).");
        }

        return given is not null && fromProfile is not null && given != fromProfile
            ? throw new ArgumentException($"--mode {given} contradicts the profile {profile} ({fromProfile}).")
            : given ?? fromProfile;
    }

    /// <summary>
    /// Whether the servers track presence: <c>--presence</c>, or a profile that passes it (<c>@presence</c>); only
    /// TenantRealtime has it.
    /// </summary>
    private static bool PresenceOf(CommandLine c, string target, string profile)
    {
        var presence = c.Flag("presence") || ServerProfiles.Get(profile).Args.Contains("--presence");
        return !presence || Targets.IsTenantRealtime(target)
            ? presence
            : throw new ArgumentException($"--presence needs a TenantRealtime target; {target} has no presence.");
    }

    /// <summary>
    /// The server processes of the run: <c>--servers N</c> for a target that scales out over Redis (1 is allowed: one
    /// server paying for the backplane with no peer), one otherwise.
    /// </summary>
    private static int ServersOf(CommandLine c, string target)
    {
        var servers = c.Int("servers", Targets.DefaultServers(target));
        if (!Targets.ScalesOut(target))
        {
            return servers == 1 ? 1 : throw new ArgumentException($"--servers needs a Redis target ({Targets.TenantRealtimeRedis}, {Targets.TenantRealtimeRedisCluster}, {Targets.SignalRRedis}); {target} runs one server.");
        }

        return servers is >= 1 and <= MaxServers ? servers : throw new ArgumentException($"--servers must be between 1 and {MaxServers}.");
    }

    /// <summary>
    /// slow-consumer's stalled connections, 0 … S − 1 of the run (j % T spreads them one per tenant first):
    /// <c>--stalled-per-tenant K</c> makes S = K × T, <c>--stalled-share s</c> S = s × N rounded (at least 1).
    /// At least one connection must read.
    /// </summary>
    private static int StalledOf(CommandLine c, string scenario, int connections, int tenants)
    {
        var share = c.Get("stalled-share");
        var perTenant = c.Get("stalled-per-tenant");
        if (scenario != Scenarios.SlowConsumer)
        {
            return share is null && perTenant is null ? 0 : throw new ArgumentException("--stalled-share and --stalled-per-tenant need --scenario slow-consumer.");
        }

        if (share is not null && perTenant is not null)
        {
            throw new ArgumentException("give --stalled-share or --stalled-per-tenant, not both.");
        }

        var stalled = perTenant is not null
            ? (int)Positive(c.Int("stalled-per-tenant", 1), "--stalled-per-tenant") * tenants
            : Math.Max(1, (int)Math.Round(Positive(c.Double("stalled-share", DefaultStalledShare), "--stalled-share") * connections));
        return stalled < connections ? stalled : throw new ArgumentException($"{stalled} stalled connections leave none of the {connections} to read.");
    }

    private static double Positive(double value, string name) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be positive.");
}
