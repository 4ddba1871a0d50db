namespace TenantRealtime.Redis.Internal;

/// <summary>Registered once by AddRedis, so a second call only applies its options.</summary>
internal sealed class TenantRealtimeRedisMarker;
