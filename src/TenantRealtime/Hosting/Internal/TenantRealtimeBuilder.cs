using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Hosting.Internal;

internal sealed class TenantRealtimeBuilder(IServiceCollection services) : ITenantRealtimeBuilder
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registered once by AddTenantRealtime: makes a second call harmless and lets MapTenantRealtime check the first.</summary>
    internal sealed class Marker;
}
