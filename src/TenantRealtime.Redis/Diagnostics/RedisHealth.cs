namespace TenantRealtime.Redis.Diagnostics;

/// <summary>The health check's name, here so that a message pointing to it (revocation) need not name the registration.</summary>
internal static class RedisHealth
{
    public const string CheckName = "tenantrealtime-redis";
}
