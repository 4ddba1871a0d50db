namespace TenantRealtime.Bench;

/// <summary>
/// Runtime settings the .NET bench servers start with. <c>default</c> is ASP.NET Core out of the box, which is what
/// the README recommends and the sample host runs (docs/benchmarks.md, "Runtime settings", says why). The others are
/// knobs kept so each can be measured: <c>nospin-inline</c> was the recommendation until unpaced runs showed it
/// costs peak throughput.
/// </summary>
internal static class ServerProfiles
{
    public const string Default = "default";

    private static readonly Dictionary<string, (Dictionary<string, string> Env, string[] Args)> Profiles = new(StringComparer.Ordinal)
    {
        [Default] = (new(), []),

        // See docs/benchmarks.md "Runtime settings" for the measurements behind each line.
        ["nospin-inline"] = (new()
        {
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        }, ["--inline-scheduling"]),

        ["nospin"] = (new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, []),
        ["inline"] = (new(), ["--inline-scheduling"]),
        ["workstation-gc"] = (new() { ["DOTNET_gcServer"] = "0" }, []),

        // Server GC without DATAS (dynamic adaptation to application sizes, on by default since .NET 9): a fixed,
        // larger gen-0 budget per heap, so fewer and longer-spaced GCs at large heaps (issue 19 saw p99 388 vs 485 ms in one run).
        ["no-datas"] = (new() { ["DOTNET_GCDynamicAdaptationMode"] = "0" }, []),

        // A fixed 64 MB gen-0 budget per heap (hex), with DATAS off so it is not adapted away: fewer gen-0 GCs.
        ["gen0-64mb"] = (new() { ["DOTNET_GCDynamicAdaptationMode"] = "0", ["DOTNET_GCgen0size"] = "0x4000000" }, []),

        // Connect admission off (TenantRealtime only): what MaxConnectsPerSecond's default costs or saves in a storm.
        ["no-admission"] = (new(), ["--max-connects-per-second", "1000000"]),

        // Connect admission far below any cell (TenantRealtime only): most connects are refused with 429 at first, so
        // a small cell shows how the load clients retry refusals and report them apart from errors.
        ["admission-5"] = (new(), ["--max-connects-per-second", "5"]),
        ["socket-inline"] = (new() { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1" }, []),
        ["full-envelope"] = (new(), ["--full-envelope"]),

        // The library's recovery history off (EnableRecovery = false), on the defaults and on nospin-inline.
        ["no-recovery"] = (new(), ["--no-recovery"]),
        ["nospin-inline-no-recovery"] = (new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, ["--inline-scheduling", "--no-recovery"]),
        // Recovery on, 16 broadcasts kept per room instead of 1,000: what keeping them costs under load.
        ["short-history"] = (new(), ["--history-messages", "16"]),
        ["small-buffers"] = (new(), ["--max-buffer", "16384"]),

        // The driver spins after each broadcast: a slower producer on purpose, to test whether unpaced throughput
        // answers the producer's cost per broadcast (bench/NOTEBOOK.md, session V).
        ["spin1us"] = (new(), ["--send-spin-ns", "1000"]),
        ["spin3us"] = (new(), ["--send-spin-ns", "3000"]),

        // Every method compiled optimized at once (no tier 0, no tier-up while measuring): tells what part of a gap is
        // code that has not tiered up yet, which favours the shared framework's precompiled (ReadyToRun) code.
        ["no-tiering"] = (new() { ["DOTNET_TieredCompilation"] = "0" }, []),

        // Presence on (EnablePresence, the library's defaults otherwise): "tenantrealtime@presence" beside "tenantrealtime"
        // measures it on vs off in one compare.sh session, as --presence does for a single run (issue 21).
        ["presence"] = (new(), ["--presence"]),

        // Keyed data (issue 30): the harness's --mode, as profiles so compare.sh alternates them in one session
        // ("tenantrealtime@state tenantrealtime@broadcast", or "@state @rest" for a connect storm). The server ignores
        // --drive: the mode reaches it with each drive and fill request.
        ["state"] = (new(), ["--drive", "state"]),
        ["broadcast"] = (new(), ["--drive", "broadcast"]),

        // State at another per-key rate bound than the default, in the same session, to choose the default from
        // measurements ("tenantrealtime@state-2 tenantrealtime@state tenantrealtime@broadcast").
        ["state-2"] = (new() { ["BENCH_STATE_UPDATES_PER_SECOND"] = "2" }, ["--drive", "state"]),
        ["state-3"] = (new() { ["BENCH_STATE_UPDATES_PER_SECOND"] = "3" }, ["--drive", "state"]),
        ["state-10"] = (new() { ["BENCH_STATE_UPDATES_PER_SECOND"] = "10" }, ["--drive", "state"]),
        ["rest"] = (new(), ["--drive", "rest"]),

        // The bare hub keeping 1,000 broadcasts per room like the recovery history, sending nothing more.
        ["retain"] = (new(), ["--retain", "1000"]),
    };

    public static IReadOnlyCollection<string> All => Profiles.Keys;

    public static (Dictionary<string, string> Env, string[] Args) Get(string name) => Profiles[name];
}
