using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TenantRealtime;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Hosting.Internal;
using TenantRealtime.Hubs;
using TenantRealtime.Limits;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the TenantRealtime hub.</summary>
public static class TenantRealtimeEndpointRouteBuilderExtensions
{
    /// <summary>The default hub path of the wire contract.</summary>
    public const string DefaultPattern = "/hubs/realtime";

    /// <summary>
    /// Maps the tenant hub at <paramref name="pattern"/>. Unless <see cref="TenantRealtimeOptions.AllowAnonymous"/> is
    /// set, the endpoint requires an authenticated user (401 at negotiate), and this call fails when the app has no
    /// authentication configured: a real-time endpoint is never silently open. Beyond the server's connection ceiling
    /// (<see cref="TenantRealtimeOptions.MaxConnectionsPerServer"/>), new connections are refused with 503 and problem
    /// details, at negotiate and at connect.
    /// </summary>
    /// <param name="endpoints">The app's endpoint route builder.</param>
    /// <param name="pattern">The hub path. The default is <c>/hubs/realtime</c>.</param>
    /// <param name="configureConnection">Configures the endpoint's transport options (transports, buffer sizes), or
    /// <see langword="null"/>. <c>CloseOnAuthenticationExpiration</c> is on by default here: a connection is closed
    /// with <c>unauthenticated: token expired</c> (reconnecting allowed) when its authentication expires, and one whose
    /// token has already expired is refused (401 with problem details at negotiate, the coded close when the client
    /// skips negotiation); set it to <see langword="false"/> to keep connections open.</param>
    /// <returns>The hub's convention builder, to add more conventions (CORS, policies).</returns>
    /// <exception cref="InvalidOperationException"><c>AddTenantRealtime</c> was not called, or authentication is missing.</exception>
    public static HubEndpointConventionBuilder MapTenantRealtime(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern, Action<HttpConnectionDispatcherOptions>? configureConnection = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var services = endpoints.ServiceProvider;
        if (services.GetService<TenantRealtimeBuilder.Marker>() is null)
        {
            throw new InvalidOperationException(
                "TenantRealtime's services are missing: call builder.Services.AddTenantRealtime() before app.MapTenantRealtime().");
        }

        // Reading the value runs the options validators now, so a bad configuration fails at startup.
        var options = services.GetRequiredService<IOptions<TenantRealtimeOptions>>().Value;

        // Closing at authentication expiry is on unless the app turns it off here. The library closes such connections
        // itself, with a coded reason (the framework's close carries none), so the framework's own check stays off.
        var closeAtExpiry = true;
        var hub = endpoints.MapHub<TenantRealtimeHub>(pattern, connection =>
        {
            connection.CloseOnAuthenticationExpiration = true;
            configureConnection?.Invoke(connection);
            closeAtExpiry = connection.CloseOnAuthenticationExpiration;
            connection.CloseOnAuthenticationExpiration = false;
        });
        hub.WithMetadata(new AuthenticationExpiry.Policy(closeAtExpiry));

        // Both endpoints SignalR maps (negotiate, connect) refuse new connections beyond the server's ceiling. Resolved
        // now, so a ceiling derived from the open-file limit counts what the app opened before serving anyone.
        // Before that, a request from another site's page is refused (cross-site WebSocket hijacking), then a negotiate
        // with an already expired token (401), so neither takes a place under the ceiling or the rate.
        // Within the ceiling, new connections are admitted at a bounded rate, so a reconnect storm is refused and
        // retried rather than accepted and timed out.
        var ceiling = services.GetRequiredService<ConnectionCeiling>();
        var connectRate = services.GetRequiredService<ConnectRateLimit>();
        var origins = services.GetRequiredService<OriginGuard>();
        var expiredTokens = services.GetRequiredService<ExpiredTokenGuard>();
        hub.Add(endpoint =>
        {
            var negotiate = endpoint.Metadata.OfType<NegotiateMetadata>().Any();
            endpoint.RequestDelegate = endpoint.RequestDelegate is { } next
                ? EndpointGuards.Wrap(next, negotiate, origins, expiredTokens, ceiling, connectRate)
                : null;
        });
        if (!options.AllowAnonymous)
        {
            EnsureAuthenticationConfigured(services);
            hub.RequireAuthorization(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        }

        return hub;
    }

    private static void EnsureAuthenticationConfigured(IServiceProvider services)
    {
        var schemes = services.GetService<IAuthenticationSchemeProvider>();

        // The scheme provider answers synchronously from memory; there is no I/O to block on.
        var configured = schemes is not null && schemes.GetAllSchemesAsync().GetAwaiter().GetResult().Any();
        if (!configured)
        {
            throw new InvalidOperationException(
                "TenantRealtime refuses to map a hub that anyone could connect to: the app has no authentication configured. " +
                "Add authentication, for example builder.Services.AddAuthentication().AddJwtBearer(...) (reading the " +
                "access_token query string for the hub path), or opt in to anonymous connections with " +
                "AddTenantRealtime(o => o.AllowAnonymous = true) (they receive global broadcasts only).");
        }
    }
}
