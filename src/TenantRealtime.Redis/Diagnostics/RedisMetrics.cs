using System.Diagnostics.Metrics;

namespace TenantRealtime.Redis.Diagnostics;

/// <summary>
/// What the outage handling did, through the standard metrics pipeline. Tags are fixed words, never ids.
/// </summary>
internal sealed class RedisMetrics
{
    public const string MeterName = "TenantRealtime.Redis";

    private readonly Counter<long> _dropped;
    private readonly Counter<long> _unconfirmed;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _drained;
    private readonly Counter<long> _outboxDropped;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _checkedLocally;
    private readonly Histogram<int> _batchSize;
    private readonly Meter _meter;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        var meter = _meter = meterFactory.Create(MeterName);
        _dropped = meter.CreateCounter<long>(
            "tenantrealtime.redis.broadcasts.dropped",
            unit: "{message}",
            description: "Sends of the app's own hubs to other servers lost because Redis was disconnected or the publish failed.");
        _unconfirmed = meter.CreateCounter<long>(
            "tenantrealtime.redis.broadcasts.unconfirmed",
            unit: "{message}",
            description: "Sends of the app's own hubs that returned to the caller before Redis confirmed them (they continue in the background).");
        _queued = meter.CreateCounter<long>(
            "tenantrealtime.redis.broadcasts.queued",
            unit: "{message}",
            description: "Broadcasts put in the local outbox because Redis was unreachable, slow, or older broadcasts were waiting.");
        _drained = meter.CreateCounter<long>(
            "tenantrealtime.redis.outbox.drained",
            unit: "{message}",
            description: "Broadcasts taken from the outbox, numbered and sent after Redis answered again.");
        _outboxDropped = meter.CreateCounter<long>(
            "tenantrealtime.redis.outbox.dropped",
            unit: "{message}",
            description: "Broadcasts given up from the outbox: the oldest when it was full, or one that could not be sent at all. Their rooms start a new epoch.");
        _rejected = meter.CreateCounter<long>(
            "tenantrealtime.redis.broadcasts.rejected",
            unit: "{message}",
            description: "Broadcasts refused with TenantRealtimeUnavailableException because Redis was unreachable (OutageMode Reject).");
        _checkedLocally = meter.CreateCounter<long>(
            "tenantrealtime.redis.connects.checked_locally",
            unit: "{connection}",
            description: "Connects whose connection caps were checked without Redis (unreachable, slow or failing): against this server's connections and the other servers' shares as last read.");
        _batchSize = meter.CreateHistogram<int>(
            "tenantrealtime.redis.history.batch_size",
            unit: "{message}",
            description: "Broadcasts numbered, kept and published by one history script call: those that waited while the previous call was in flight (group commit).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
    }

    /// <summary>Counts a dropped broadcast; <paramref name="reason"/> is <c>disconnected</c> or <c>failed</c>.</summary>
    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Unconfirmed() => _unconfirmed.Add(1);

    /// <summary>Records one history script call of <paramref name="count"/> broadcasts.</summary>
    public void Batched(int count) => _batchSize.Record(count);

    /// <summary>Counts a broadcast put in the outbox; <paramref name="reason"/> is <c>disconnected</c>, <c>timeout</c>, <c>failed</c> or <c>backlog</c>.</summary>
    public void Queued(string reason) => _queued.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Drained() => _drained.Add(1);

    public void OutboxDropped() => _outboxDropped.Add(1);

    /// <summary>Counts a refused broadcast; <paramref name="reason"/> is <c>disconnected</c>, <c>timeout</c> or <c>failed</c>.</summary>
    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a connect checked without Redis; <paramref name="reason"/> is <c>disconnected</c>, <c>timeout</c> or <c>failed</c>.</summary>
    public void CheckedLocally(string reason) => _checkedLocally.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Publishes the outbox's current length as <c>tenantrealtime.redis.outbox.size</c>.</summary>
    public void ObserveOutbox(Func<int> size) =>
        _meter.CreateObservableGauge(
            "tenantrealtime.redis.outbox.size",
            size,
            unit: "{message}",
            description: "Broadcasts waiting in the local outbox for Redis.");

    /// <summary>Publishes the state outbox's current length as <c>tenantrealtime.redis.state_outbox.size</c>.</summary>
    public void ObserveStateOutbox(Func<int> size) =>
        _meter.CreateObservableGauge(
            "tenantrealtime.redis.state_outbox.size",
            size,
            unit: "{key}",
            description: "State keys whose latest change waits in the local outbox for Redis.");
}
