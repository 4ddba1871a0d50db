using Microsoft.AspNetCore.Builder;
using SampleHost.Auth;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary>TenantRealtime with the library's defaults plus presence; the hub at the contract's path.</summary>
internal static class RealtimeServiceCollectionExtensions
{
    public const string RedisSetting = "Redis:Configuration";

    /// <summary>The configuration section bound to <see cref="TenantRealtimeOptions"/>, e.g. <c>TenantRealtime:HistoryMaxMessages</c>.</summary>
    public const string OptionsSection = "TenantRealtime";

    /// <summary>Origins besides the host's own whose pages may use the hub, comma-separated (<c>SampleHost__AllowedOrigins</c>).</summary>
    public const string AllowedOriginsSetting = "SampleHost:AllowedOrigins";

    public static IServiceCollection AddSampleRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        // Presence is on here: the page shows who from the viewer's tenant (admins: organization) is online now, by the
        // name in their token. It is off by default in the library: whether colleagues see each other is an app's call.
        // The incident view subscribes to its incident's topic (incident:{id}) and shows who else has it open: those
        // topics track their subscribers, the other topics (none in the sample yet) do not pay for it.
        var realtime = services.AddTenantRealtime(o =>
        {
            o.EnablePresence = true;
            o.PresenceDisplayNameClaimType = DevTokenIssuer.NameClaim;
            o.TopicPrefixes[IncidentTopic.Prefix] = new TopicPrefixOptions { EnablePresence = true };
        });

        // The library's options from configuration (TenantRealtime__HistoryMaxMessages=50, TenantRealtime__HistoryMaxAge=00:01:00,
        // TenantRealtime__EnablePresence=false, …); unset, its defaults (and presence as above). The tests shrink the recovery window this way to watch the page reload instead.
        services.Configure<TenantRealtimeOptions>(configuration.GetSection(OptionsSection));

        // Pages of other origins (a status page embedded in the customer portal, say) must be listed: by default only
        // the host's own page may open the hub with the visitor's credentials.
        var origins = configuration[AllowedOriginsSetting]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        services.Configure<TenantRealtimeOptions>(o => o.AllowedOrigins.UnionWith(origins));
        services.AddSingleton<ChangePublisher>();
        services.AddSingleton<StatePublisher>();

        // ─── The one Redis switch ───────────────────────────────────────────────────────────────────────────────
        // Redis:Configuration (Redis__Configuration=127.0.0.1:6379) turns on TenantRealtime.Redis: SignalR's Redis
        // backplane and a cluster-wide connection registry, so several hosts behind a load balancer act as one.
        // Unset, everything stays in this process.
        var redis = configuration[RedisSetting];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            realtime.AddRedis(redis);
        }

        // After the library's own hosted services (Redis connects first), before Kestrel takes requests.
        services.AddHostedService<InitialState>();

        return services;
    }

    // The library's defaults: an expired token ends its connection (unauthenticated: token expired), and a client
    // that stops reading is cut loose (slow-consumer) and resumes when it returns.
    public static void MapSampleRealtime(this IEndpointRouteBuilder app) =>
        app.MapTenantRealtime(TenantRealtimeEndpointRouteBuilderExtensions.DefaultPattern);
}
