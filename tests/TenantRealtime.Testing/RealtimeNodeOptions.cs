using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace TenantRealtime.Testing;

/// <summary>How to start one test server.</summary>
public sealed class RealtimeNodeOptions
{
    /// <summary>The application name; the Redis package derives its channel prefix from it.</summary>
    public string ApplicationName { get; set; } = "TenantRealtime.Tests";

    /// <summary>Configures TenantRealtime's options.</summary>
    public Action<TenantRealtimeOptions>? Configure { get; set; }

    /// <summary>Extends the TenantRealtime builder, e.g. <c>b => b.AddRedis(...)</c>.</summary>
    public Action<ITenantRealtimeBuilder>? Realtime { get; set; }

    /// <summary>Adds or replaces services after TenantRealtime is added.</summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>Configures the hub endpoint's transport options, as an app passes them to <c>MapTenantRealtime</c>.</summary>
    public Action<Microsoft.AspNetCore.Http.Connections.HttpConnectionDispatcherOptions>? ConfigureConnection { get; set; }

    /// <summary>How long after expiry JwtBearer still accepts a token. The default is zero; JwtBearer's own is 5 minutes.</summary>
    public TimeSpan JwtClockSkew { get; set; } = TimeSpan.Zero;

    /// <summary>Adds middleware and endpoints to the app before the hub is mapped (forwarded headers, CORS, a login).</summary>
    public Action<Microsoft.AspNetCore.Builder.WebApplication>? App { get; set; }

    /// <summary>Adds conventions to the hub's endpoints, as an app chains them on <c>MapTenantRealtime</c> (CORS).</summary>
    public Action<Microsoft.AspNetCore.Builder.HubEndpointConventionBuilder>? Hub { get; set; }

    /// <summary>When false, no authentication is configured at all.</summary>
    public bool UseJwtAuthentication { get; set; } = true;

    /// <summary>Receives every log line of the node, for assertions.</summary>
    public FakeLogCollector Logs { get; } = new();
}
