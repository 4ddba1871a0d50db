using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Delivery;
using TenantRealtime.Presence.Internal;
using TenantRealtime.Recovery;
using TenantRealtime.State.Internal;
using TenantRealtime.Redis;
using TenantRealtime.Redis.AppHubs;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.Configuration;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.Hosting.Internal;
using TenantRealtime.Redis.Presence;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.State;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scales TenantRealtime out over Redis: <c>AddTenantRealtime(...).AddRedis("host:6379")</c>.</summary>
public static class TenantRealtimeRedisBuilderExtensions
{
    /// <summary>The name of the Redis health check this package registers.</summary>
    public const string HealthCheckName = RedisHealth.CheckName;

    /// <summary>
    /// Adds Redis scale-out using the Redis at <paramref name="redisConnectionString"/> (one Redis or a Redis Cluster):
    /// the tenant hub's broadcasts numbered and published in one step on one channel per organization (sharded pub/sub
    /// on a cluster), SignalR's Redis backplane for the app's own hubs with the application's channel prefix, a cluster-wide <see cref="IConnectionRegistry"/>, an
    /// <see cref="ITenantConnectionManager"/> that revokes on every server, a room history in Redis (Streams) so
    /// clients resume on any server, an outbox that keeps broadcasts while Redis is unreachable, presence across servers
    /// (when <see cref="TenantRealtimeOptions.EnablePresence"/> is set), and the
    /// <c>tenantrealtime-redis</c> health check.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <param name="redisConnectionString">A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder AddRedis(this ITenantRealtimeBuilder builder, string redisConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConnectionString);
        return AddRedis(builder, redisConnectionString, _ => { });
    }

    /// <summary>Adds Redis scale-out configured by <paramref name="configure"/> (see <see cref="AddRedis(ITenantRealtimeBuilder, string)"/>).</summary>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <param name="configure">Configures <see cref="TenantRealtimeRedisOptions"/>; it must set an endpoint or a connection factory.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder AddRedis(this ITenantRealtimeBuilder builder, Action<TenantRealtimeRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        AddServices(builder.Services);
        return builder;
    }

    /// <summary>Adds Redis scale-out using the Redis at <paramref name="redisConnectionString"/>, then applies <paramref name="configure"/>.</summary>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <param name="redisConnectionString">A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>.</param>
    /// <param name="configure">Configures <see cref="TenantRealtimeRedisOptions"/> further.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder AddRedis(this ITenantRealtimeBuilder builder, string redisConnectionString, Action<TenantRealtimeRedisOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConnectionString);
        ArgumentNullException.ThrowIfNull(configure);
        return AddRedis(builder, options =>
        {
            options.Configuration = ConfigurationOptions.Parse(redisConnectionString);
            options.Configuration.AbortOnConnectFail = false;
            configure(options);
        });
    }

    /// <summary>
    /// Adds Redis scale-out over a multiplexer the app already has (and keeps owning: the package never disposes it).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <param name="connectionFactory">Returns the multiplexer; called once, on first use.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder AddRedis(this ITenantRealtimeBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connectionFactory) =>
        AddRedis(builder, connectionFactory, _ => { });

    /// <summary>
    /// Adds Redis scale-out over a multiplexer the app already has (and keeps owning), then applies <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <param name="connectionFactory">Returns the multiplexer; called once, on first use.</param>
    /// <param name="configure">Configures <see cref="TenantRealtimeRedisOptions"/> further.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder AddRedis(this ITenantRealtimeBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connectionFactory, Action<TenantRealtimeRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        ArgumentNullException.ThrowIfNull(configure);
        return AddRedis(builder, options =>
        {
            options.ConnectionFactory = connectionFactory;
            configure(options);
        });
    }

    private static void AddServices(IServiceCollection services)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(Marker)))
        {
            return;
        }

        services.AddSingleton<Marker>();
        services.AddOptions<TenantRealtimeRedisOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<TenantRealtimeRedisOptions>, DefaultChannelPrefix>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TenantRealtimeRedisOptions>, TenantRealtimeRedisOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SharedRedisConnection>();
        services.TryAddSingleton<RedisCallPolicy>();
        services.TryAddSingleton<RedisMetrics>();

        // The tenant hub's broadcasts travel on one channel per organization (plus one for global broadcasts), which
        // a server listens to while its connections are in that organization's groups; each server writes them to its
        // own connections, in seq order, through their bounded senders (the core's ILocalDelivery).
        services.TryAddSingleton<RedisTopology>();
        services.TryAddSingleton<RoomPublications>();
        services.TryAddSingleton<LocalDeliveryOrder>();
        services.TryAddSingleton<RoomSubscriptions>();
        services.Replace(ServiceDescriptor.Singleton<IGroupSubscriptions>(sp => sp.GetRequiredService<RoomSubscriptions>()));

        // The app's own hubs: SignalR's Redis backplane, handed a non-owning, prefixing view of the shared
        // multiplexer, behind a decorator that keeps Redis outages off the caller's path. It replaces whichever
        // open-generic lifetime manager is registered (SignalR's in-memory default, or AddStackExchangeRedis's); the
        // tenant hub's own manager is registered for its closed type and stays.
        services.AddSignalR();
        services.AddOptions<RedisOptions>().Configure<SharedRedisConnection>((options, connection) =>
            options.ConnectionFactory = _ => connection.GetBackplaneAsync());
        services.TryAddSingleton(typeof(RedisHubLifetimeManager<>));
        services.RemoveAll(typeof(HubLifetimeManager<>));
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(OutageTolerantHubLifetimeManager<>));

        // Cluster-wide versions of the core's registry and revocation; the core's local ones do the work on each server.
        services.TryAddSingleton<RedisConnectionRegistry>();
        services.Replace(ServiceDescriptor.Singleton<IConnectionRegistry>(sp => sp.GetRequiredService<RedisConnectionRegistry>()));
        services.Replace(ServiceDescriptor.Singleton<IConnectionCapCounts>(sp => sp.GetRequiredService<RedisConnectionRegistry>()));
        services.Replace(ServiceDescriptor.Singleton<ITenantConnectionManager, ClusterRevocation>());
        services.TryAddSingleton<RevocationSubscriber>();

        // Missed-message recovery across servers: the history lives in Redis (cluster-wide seq, resume anywhere), and
        // one script numbers, keeps and publishes each broadcast, with an outbox for when Redis is unreachable.
        services.TryAddSingleton<RedisRoomHistory>();
        services.Replace(ServiceDescriptor.Singleton<IRoomHistory>(sp => sp.GetRequiredService<RedisRoomHistory>()));
        services.TryAddSingleton(sp =>
        {
            var outbox = new BroadcastOutbox(sp.GetRequiredService<IOptions<TenantRealtimeRedisOptions>>().Value.OutboxCapacity);
            sp.GetRequiredService<RedisMetrics>().ObserveOutbox(() => outbox.Count);
            return outbox;
        });
        services.TryAddSingleton<GroupCommit>();
        services.TryAddSingleton<BroadcastPublisher>();
        services.TryAddSingleton<OutboxDrainer>();
        services.TryAddSingleton<RedisBroadcastSender>();
        services.Replace(ServiceDescriptor.Singleton<IBroadcastSender>(sp => sp.GetRequiredService<RedisBroadcastSender>()));

        // Keyed state in Redis: per room a hash of values beside the room's history keys (one hash tag), written,
        // versioned and published by one script; an outbox keeps the latest value per (room, key) during an outage.
        services.TryAddSingleton<RedisStateStore>();
        services.TryAddSingleton<RedisStateReads>();
        services.TryAddSingleton(sp =>
        {
            var outbox = new StateOutbox();
            sp.GetRequiredService<RedisMetrics>().ObserveStateOutbox(() => outbox.Count);
            return outbox;
        });
        services.TryAddSingleton<RedisStateExpiry>();
        services.TryAddSingleton<RedisStateWriter>();
        services.TryAddSingleton<RedisStateReceiver>();
        services.TryAddSingleton<RedisTenantState>();
        services.Replace(ServiceDescriptor.Singleton<ITenantState>(sp => sp.GetRequiredService<RedisTenantState>()));
        services.Replace(ServiceDescriptor.Singleton<IStateSync>(sp => sp.GetRequiredService<RedisStateReceiver>()));
        services.TryAddSingleton<IChannelMessageHandler>(sp => sp.GetRequiredService<RedisStateReceiver>());

        // Presence across servers (when EnablePresence, or for the topics of a prefix that tracks it): each server writes its share next to its organization's rooms,
        // and one script decides and announces who comes and goes, on the organization's channel.
        services.TryAddSingleton<PresenceWriter>();
        services.TryAddSingleton<RedisPresenceStore>();
        services.Replace(ServiceDescriptor.Singleton<IPresenceStore>(sp => sp.GetRequiredService<RedisPresenceStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisHostedService>());

        services.AddHealthChecks().AddCheck<RedisHealthCheck>(HealthCheckName, tags: ["tenantrealtime", "redis"], timeout: TimeSpan.FromSeconds(5));
    }

    /// <summary>Registered once by AddRedis, so a second call only applies its options.</summary>
    private sealed class Marker;
}
