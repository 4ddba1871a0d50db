using Microsoft.Extensions.DependencyInjection.Extensions;
using TenantRealtime;
using TenantRealtime.Topics.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Replaces TenantRealtime's seams on the builder: <c>AddTenantRealtime().WithAuthenticator&lt;T&gt;()</c>.</summary>
public static class TenantRealtimeBuilderExtensions
{
    /// <summary>
    /// Uses <typeparamref name="TAuthenticator"/> to decide who a connection is, instead of the default that reads the
    /// claims named in <see cref="TenantRealtimeOptions"/>. It is a singleton: it may take singleton services (or an
    /// <see cref="IServiceScopeFactory"/> for scoped ones such as a <c>DbContext</c>). The last call wins.
    /// </summary>
    /// <typeparam name="TAuthenticator">The authenticator.</typeparam>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder WithAuthenticator<TAuthenticator>(this ITenantRealtimeBuilder builder)
        where TAuthenticator : class, IAuthenticator
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthenticator, TAuthenticator>());
        return builder;
    }

    /// <summary>
    /// Uses <typeparamref name="TResolver"/> to decide which rooms an identity holds and whether it may join another
    /// organization, instead of the wire contract's default rooms. It is a singleton: it may take singleton services
    /// (or an <see cref="IServiceScopeFactory"/> for scoped ones). The last call wins.
    /// </summary>
    /// <typeparam name="TResolver">The room resolver.</typeparam>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder WithRoomResolver<TResolver>(this ITenantRealtimeBuilder builder)
        where TResolver : class, IRoomResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRoomResolver, TResolver>());
        return builder;
    }

    /// <summary>
    /// Uses <typeparamref name="TLoader"/> to fill a room's state when the library holds none for it (after a restart in
    /// memory, after Redis lost it, or for a room never written), before any client gets that state; see
    /// <see cref="IStateLoader"/>. Without one such a room starts empty and clients that held its state are told it was
    /// lost. It is a singleton: it may take singleton services (or an <see cref="IServiceScopeFactory"/> for scoped
    /// ones such as a <c>DbContext</c>). The last call wins.
    /// </summary>
    /// <typeparam name="TLoader">The loader.</typeparam>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder WithStateLoader<TLoader>(this ITenantRealtimeBuilder builder)
        where TLoader : class, IStateLoader
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStateLoader, TLoader>());
        return builder;
    }

    /// <summary>
    /// Decides topic subscriptions with <typeparamref name="TAuthorizer"/> (a singleton) instead of the default rules.
    /// Whatever it answers, a connection only subscribes inside organizations it holds.
    /// </summary>
    /// <typeparam name="TAuthorizer">The authorizer.</typeparam>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder WithTopicAuthorizer<TAuthorizer>(this ITenantRealtimeBuilder builder)
        where TAuthorizer : class, ITopicAuthorizer
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITopicAuthorizer, TAuthorizer>());
        return builder;
    }

    /// <summary>
    /// Decides topic subscriptions from the connection's token, so a subscribe needs no database call: each value of
    /// the <paramref name="claimType"/> claim is <c>tenant:{pattern}</c> (topics of the identity's own tenant),
    /// <c>tenants:{pattern}</c> (of any tenant of its organization) or <c>organization:{pattern}</c> (its organization's
    /// topics), where a pattern is a topic name or a prefix ending in <c>*</c>; several values may share one claim,
    /// separated by spaces. Patterns grant within the identity's own organization only.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTenantRealtime</c>.</param>
    /// <param name="claimType">The claim carrying the patterns. The default is <c>topics</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ITenantRealtimeBuilder WithClaimsTopicAuthorizer(this ITenantRealtimeBuilder builder, string claimType = ClaimsTopicAuthorizer.DefaultClaimType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(claimType);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITopicAuthorizer>(new ClaimsTopicAuthorizer(claimType)));
        return builder;
    }
}
