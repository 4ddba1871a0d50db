using Microsoft.AspNetCore.Builder;

namespace SampleHost.Realtime;

/// <summary>TenantRealtime with the library's defaults; the hub at the contract's path.</summary>
internal static class RealtimeServiceCollectionExtensions
{
    public const string RedisSetting = "Redis:Configuration";

    public static IServiceCollection AddSampleRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        var realtime = services.AddTenantRealtime();
        services.AddSingleton<ChangePublisher>();

        // ─── The one Redis switch ───────────────────────────────────────────────────────────────────────────────
        // Set Redis:Configuration (Redis__Configuration=127.0.0.1:6379) to run several hosts as one. The backplane
        // comes from TenantRealtime.Redis; until this sample references it, the setting fails loudly at start rather
        // than silently running a single node that other servers cannot reach.
        var redis = configuration[RedisSetting];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            _ = realtime;
            throw new InvalidOperationException(
                $"'{RedisSetting}' is set, but this build of the sample host has no Redis backplane: reference " +
                "src/TenantRealtime.Redis and call realtime.AddRedis(...) here, or unset the setting to run in memory.");
        }

        return services;
    }

    public static void MapSampleRealtime(this IEndpointRouteBuilder app) =>
        app.MapTenantRealtime(
            TenantRealtimeEndpointRouteBuilderExtensions.DefaultPattern,

            // An expired token ends its connection instead of listening on for as long as the socket lives.
            connection => connection.CloseOnAuthenticationExpiration = true);
}
