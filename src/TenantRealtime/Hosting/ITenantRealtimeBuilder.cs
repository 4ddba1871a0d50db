using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime;

/// <summary>Returned by <c>AddTenantRealtime</c> so that extensions such as <c>AddRedis</c> can chain.</summary>
public interface ITenantRealtimeBuilder
{
    /// <summary>Gets the service collection TenantRealtime was added to.</summary>
    IServiceCollection Services { get; }
}
