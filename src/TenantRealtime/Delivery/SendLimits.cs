namespace TenantRealtime.Delivery;

/// <summary>How much one connection may have waiting to be written before it is cut loose.</summary>
/// <param name="MaxBytes">The most bytes queued (<see cref="TenantRealtimeOptions.MaxSendBacklogBytes"/>).</param>
/// <param name="MaxMessages">The most messages queued (<see cref="TenantRealtimeOptions.MaxSendBacklogMessages"/>).</param>
internal readonly record struct SendLimits(long MaxBytes, int MaxMessages);
