namespace TenantRealtime.Bench;

/// <summary>
/// Runtime settings the .NET bench servers start with. <c>recommended</c> is exactly what docs/benchmarks.md
/// (and the README) recommends for a production host; <c>default</c> is ASP.NET Core out of the box. The others
/// are single knobs, kept so each can be measured alone.
/// </summary>
internal static class ServerProfiles
{
    public const string Recommended = "recommended";
    public const string Default = "default";

    private static readonly Dictionary<string, (Dictionary<string, string> Env, string[] Args)> Profiles = new(StringComparer.Ordinal)
    {
        [Default] = (new(), []),

        // See docs/benchmarks.md "Runtime settings" for the measurements behind each line.
        [Recommended] = (new()
        {
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        }, ["--inline-scheduling"]),

        ["nospin"] = (new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, []),
        ["inline"] = (new(), ["--inline-scheduling"]),
        ["workstation-gc"] = (new() { ["DOTNET_gcServer"] = "0" }, []),
        ["socket-inline"] = (new() { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1" }, []),
        ["full-envelope"] = (new(), ["--full-envelope"]),

        // The recommended settings with the library's recovery history off (EnableRecovery = false).
        ["no-recovery"] = (new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, ["--inline-scheduling", "--no-recovery"]),
        ["small-buffers"] = (new(), ["--max-buffer", "16384"]),
    };

    public static IReadOnlyCollection<string> All => Profiles.Keys;

    public static (Dictionary<string, string> Env, string[] Args) Get(string name) => Profiles[name];
}
