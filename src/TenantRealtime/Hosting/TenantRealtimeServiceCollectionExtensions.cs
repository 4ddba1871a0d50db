using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TenantRealtime;
using TenantRealtime.Authentication.Internal;
using TenantRealtime.Broadcasting.Internal;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Hosting.Internal;
using TenantRealtime.Hubs;
using TenantRealtime.Limits;
using TenantRealtime.Presence.Internal;
using TenantRealtime.Recovery;
using TenantRealtime.Rooms.Internal;
using TenantRealtime.State.Internal;
using TenantRealtime.Topics.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds TenantRealtime to an app's services.</summary>
public static class TenantRealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds SignalR, the tenant hub's services and their defaults: a claims-based <see cref="IAuthenticator"/>, the
    /// contract's <see cref="IRoomResolver"/>, <see cref="ITenantBroadcaster"/>, <see cref="ITenantState"/>, an in-memory
    /// <see cref="IConnectionRegistry"/>, <see cref="ITenantConnectionManager"/> and <see cref="IPresence"/>. Each default is added with
    /// <c>TryAdd</c>, so registering your own implementation (before or after) replaces it. Calling this again only
    /// applies <paramref name="configure"/>. Options are validated when the app starts. Also registers the
    /// <c>tenantrealtime</c> health check and the <c>TenantRealtime</c> meter.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Configures <see cref="TenantRealtimeOptions"/>.</param>
    /// <returns>A builder for chaining extensions such as <c>AddRedis</c>.</returns>
    public static ITenantRealtimeBuilder AddTenantRealtime(this IServiceCollection services, Action<TenantRealtimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        var builder = new TenantRealtimeBuilder(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(TenantRealtimeBuilder.Marker)))
        {
            return builder;
        }

        services.AddSingleton<TenantRealtimeBuilder.Marker>();
        services.AddMetrics();
        services.AddAuthorization();

        // AddHubOptions makes SignalR use per-hub options for our hub (copied from the app's global ones),
        // which ConfigureTenantHubOptions then tightens.
        services.AddSignalR().AddHubOptions<TenantRealtimeHub>(_ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions<TenantRealtimeHub>>, ConfigureTenantHubOptions>());
        services.AddHealthChecks().AddCheck<TenantRealtimeHealthCheck>(TenantRealtimeHealthCheck.Name, tags: ["tenantrealtime"]);
        services.AddOptions<TenantRealtimeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TenantRealtimeOptions>, TenantRealtimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IAuthenticator, ClaimsAuthenticator>();
        services.TryAddSingleton<IRoomResolver, DefaultRoomResolver>();
        services.TryAddSingleton<ITopicAuthorizer, DefaultTopicAuthorizer>();
        services.TryAddSingleton<TopicAccess>();
        services.TryAddSingleton<ITenantBroadcaster, TenantBroadcaster>();
        services.TryAddSingleton<IConnectionRegistry, InMemoryConnectionRegistry>();
        services.TryAddSingleton<IConnectionCapCounts, RegistryCapCounts>();
        services.TryAddSingleton<LocalRevocation>();
        services.TryAddSingleton<ITenantConnectionManager>(sp => sp.GetRequiredService<LocalRevocation>());

        // The history keeps JSON bytes only when every protocol of the hub is JSON: it is told them, never the hub.
        services.AddOptions<HubProtocolOptions>()
            .Configure<IOptions<HubOptions<TenantRealtimeHub>>>((protocols, hub) => protocols.SupportedProtocols = hub.Value.SupportedProtocols);
        services.TryAddSingleton<IHistoryBounds, RoomHistoryBounds>();
        services.TryAddSingleton<InMemoryRoomHistory>();
        services.TryAddSingleton<IRoomHistory>(sp => sp.GetRequiredService<InMemoryRoomHistory>());
        services.TryAddSingleton<IBroadcastSender, LocalBroadcastSender>();

        // The tenant hub's own lifetime manager (bounded, non-blocking sends); the app's other hubs keep SignalR's.
        services.TryAddSingleton<TenantHubLifetimeManager<TenantRealtimeHub>>();
        services.TryAddSingleton<HubLifetimeManager<TenantRealtimeHub>>(sp => sp.GetRequiredService<TenantHubLifetimeManager<TenantRealtimeHub>>());
        services.TryAddSingleton<ILocalDelivery>(sp => sp.GetRequiredService<TenantHubLifetimeManager<TenantRealtimeHub>>());
        services.TryAddSingleton<IGroupSubscriptions, NoGroupSubscriptions>();
        services.TryAddSingleton<TenantRealtimeMetrics>();

        // Keyed state per room: kept here, sent on Authenticate, Resume and GetState, and live once a connection has it.
        services.TryAddSingleton<StateGates>();
        services.TryAddSingleton<StateRoomStore>();
        services.TryAddSingleton<StatePublisher>();
        services.TryAddSingleton<StateValueSerializer>();
        services.TryAddSingleton<StateReader>();
        services.TryAddSingleton<StateLoading>();
        services.TryAddSingleton<IStateSync, LocalStateSync>();
        services.TryAddSingleton<ITenantState, TenantState>();
        services.TryAddSingleton<InvocationRateLimiter>();
        services.TryAddSingleton<InvocationLimitFilter>();
        services.TryAddSingleton<ConnectionCeiling>();
        services.TryAddSingleton<ConnectRateLimit>();
        services.TryAddSingleton<ExpiredTokenGuard>();
        services.TryAddSingleton<LocalConnectionStore>();
        services.TryAddSingleton<SharedRooms>();
        services.TryAddSingleton<RoomMembership>();
        services.TryAddSingleton<ConnectionLifecycle>();
        services.TryAddSingleton<AuthenticationExpiry>();
        services.TryAddSingleton<OriginGuard>();

        // Presence (off unless EnablePresence, or per topic prefix): this server's share, and a store that decides who is
        // online from it (in memory here; the Redis package decides in Redis for every server). Topic presence hears of
        // subscriptions as a room observer, so connections never know of presence.
        services.TryAddSingleton<LocalPresence>();
        services.TryAddSingleton<PresenceEvents>();
        services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        services.TryAddSingleton<PresenceTracker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoomsObserver, TopicPresence>());
        services.TryAddSingleton<TopicPresenceReader>();
        services.TryAddSingleton<IPresence, PresenceReader>();
        return builder;
    }
}
