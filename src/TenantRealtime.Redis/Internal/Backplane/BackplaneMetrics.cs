using System.Diagnostics.Metrics;

namespace TenantRealtime.Redis.Internal.Backplane;

/// <summary>
/// What the outage handling did, through the standard metrics pipeline. Tags are fixed words, never ids.
/// </summary>
internal sealed class BackplaneMetrics
{
    public const string MeterName = "TenantRealtime.Redis";

    private readonly Counter<long> _dropped;
    private readonly Counter<long> _unconfirmed;

    public BackplaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _dropped = meter.CreateCounter<long>(
            "tenantrealtime.redis.broadcasts.dropped",
            unit: "{message}",
            description: "Broadcasts not delivered to other servers because Redis was disconnected or the publish failed.");
        _unconfirmed = meter.CreateCounter<long>(
            "tenantrealtime.redis.broadcasts.unconfirmed",
            unit: "{message}",
            description: "Broadcasts that returned to the caller before Redis confirmed them (they continue in the background).");
    }

    /// <summary>Counts a dropped broadcast; <paramref name="reason"/> is <c>disconnected</c> or <c>failed</c>.</summary>
    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Unconfirmed() => _unconfirmed.Add(1);
}
