using TenantRealtime.BenchShared;

namespace TenantRealtime.BenchServer;

internal static class ServerModes
{
    public const string TenantRealtime = "tenantrealtime";
    public const string TenantRealtimeRedis = "tenantrealtime-redis";
    public const string SignalR = "signalr";

    /// <summary>The bare hub on SignalR's own Redis backplane (<c>AddStackExchangeRedis(--redis)</c>).</summary>
    public const string SignalRRedis = "signalr-redis";
}

/// <summary>Command line of the bench server: <c>--mode m --url u [--redis r] [--jwt-key k] [--inline-scheduling] [--max-buffer bytes] [--full-envelope] [--no-recovery] [--history-messages n] [--send-spin-ns n] [--retain n] [--presence] [--max-connects-per-second n]</c>.</summary>
internal sealed record ServerSettings(string Mode, string Url, string? Redis, string JwtKey, bool InlineScheduling, int? IoQueueCount, long? MaxBufferSize, bool FullEnvelope, bool NoRecovery, int? HistoryMessages, long SendSpinNs, int Retain, bool Presence = false, int? MaxConnectsPerSecond = null)
{
    public static ServerSettings Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }

            var key = args[i][2..];
            map[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        var mode = map.GetValueOrDefault("mode", ServerModes.TenantRealtime);
        if (mode is not (ServerModes.TenantRealtime or ServerModes.TenantRealtimeRedis or ServerModes.SignalR or ServerModes.SignalRRedis))
        {
            throw new ArgumentException($"Unknown --mode '{mode}'.");
        }

        return new ServerSettings(
            mode,
            map.GetValueOrDefault("url", "http://127.0.0.1:5080"),
            map.GetValueOrDefault("redis"),
            map.GetValueOrDefault("jwt-key", BenchAuth.DefaultKey),
            map.GetValueOrDefault("inline-scheduling") == "true",
            map.TryGetValue("io-queues", out var q) ? int.Parse(q, System.Globalization.CultureInfo.InvariantCulture) : null,
            map.TryGetValue("max-buffer", out var b) ? long.Parse(b, System.Globalization.CultureInfo.InvariantCulture) : null,
            map.GetValueOrDefault("full-envelope") == "true",
            map.GetValueOrDefault("no-recovery") == "true",
            map.TryGetValue("history-messages", out var h) ? int.Parse(h, System.Globalization.CultureInfo.InvariantCulture) : null,
            map.TryGetValue("send-spin-ns", out var spin) ? long.Parse(spin, System.Globalization.CultureInfo.InvariantCulture) : 0,
            map.TryGetValue("retain", out var retain) ? int.Parse(retain, System.Globalization.CultureInfo.InvariantCulture) : 0,
            map.GetValueOrDefault("presence") == "true",
            map.TryGetValue("max-connects-per-second", out var connects) ? int.Parse(connects, System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
