using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TenantRealtime.Diagnostics;

/// <summary>
/// The <c>TenantRealtime</c> meter. Tags carry scopes, event names and refusal codes, never raw ids (cardinality).
/// </summary>
internal sealed class TenantRealtimeMetrics
{
    public const string MeterName = "TenantRealtime";

    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _broadcasts;
    private readonly Counter<long> _fannedOut;
    private readonly Histogram<double> _broadcastDuration;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _closedByServer;
    private readonly Counter<long> _presenceEvents;
    private readonly Counter<long> _presenceDeferred;
    private readonly Counter<long> _stateChanges;
    private readonly Counter<long> _stateMerged;
    private readonly Counter<long> _stateLoads;
    private readonly Histogram<long> _stateRoomKeys;
    private readonly Histogram<long> _stateSnapshotBytes;
    private readonly Counter<long> _topicSubscribes;
    private readonly Counter<long> _topicAuthorizerFailures;
    private readonly Meter _meter;

    public TenantRealtimeMetrics(IMeterFactory meterFactory)
    {
        var meter = _meter = meterFactory.Create(MeterName);
        _activeConnections = meter.CreateUpDownCounter<long>(
            "tenantrealtime.connections.active", "{connection}", "Connections accepted by this server and not yet closed.");
        _broadcasts = meter.CreateCounter<long>(
            "tenantrealtime.broadcasts", "{broadcast}", "Broadcasts sent, by scope and event.");
        _fannedOut = meter.CreateCounter<long>(
            "tenantrealtime.messages.fanned_out", "{message}", "Recipients of broadcasts among this server's connections at send time.");
        _broadcastDuration = meter.CreateHistogram<double>(
            "tenantrealtime.broadcast.duration", "s", "Time to hand a broadcast to SignalR.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });
        _refusals = meter.CreateCounter<long>(
            "tenantrealtime.refusals", "{refusal}", "Refused connections, joins and Authenticate requests, by code.");
        _rateLimited = meter.CreateCounter<long>(
            "tenantrealtime.invocations.rate_limited", "{invocation}", "Hub invocations refused by the per-connection rate limit.");
        _closedByServer = meter.CreateCounter<long>(
            "tenantrealtime.connections.closed_by_server", "{connection}", "Connections the server closed, by reason.");
        _presenceEvents = meter.CreateCounter<long>(
            "tenantrealtime.presence.events", "{event}", "Presence events (joined, left) this server sent, by scope and type.");
        _presenceDeferred = meter.CreateCounter<long>(
            "tenantrealtime.presence.deferred", "{change}", "Presence changes held back by the per-scope rate bound, to be merged and sent later.");
        _stateChanges = meter.CreateCounter<long>(
            "tenantrealtime.state.changes", "{change}", "State changes (a key set or removed) this server sent to its connections, by scope.");
        _stateMerged = meter.CreateCounter<long>(
            "tenantrealtime.state.merged", "{change}", "State changes replaced by a later change of the same key before going out (the per-key rate bound), by scope.");
        _stateRoomKeys = meter.CreateHistogram<long>(
            "tenantrealtime.state.room.keys", "{key}", "Keys a room's state holds, recorded at each change that goes out, by scope.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 100_000] });
        _stateLoads = meter.CreateCounter<long>(
            "tenantrealtime.state.loads", "{load}", "Rooms the app's state loader was asked to fill, by scope and outcome (loaded, none, failed).");
        _stateSnapshotBytes = meter.CreateHistogram<long>(
            "tenantrealtime.state.snapshot.size", "By", "Bytes of values (their JSON) in each whole state or resume delta sent to a connection, by scope and kind.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304] });
        _topicSubscribes = meter.CreateCounter<long>(
            "tenantrealtime.topic.subscribes", "{topic}", "Topics asked for with Subscribe, by scope (tenant, organization) and outcome (granted, refused), and topics taken away by revocation (revoked).");
        _topicAuthorizerFailures = meter.CreateCounter<long>(
            "tenantrealtime.topic.authorizer_failures", "{call}", "Topic authorizer calls that threw or answered the wrong number of times (the topics were refused).");
    }

    public void ConnectionOpened() => _activeConnections.Add(1);

    /// <param name="scope">tenant or organization.</param>
    /// <param name="outcome">granted or refused (a subscribe), revoked (taken away by revocation).</param>
    public void TopicSubscribe(string scope, string outcome) =>
        _topicSubscribes.Add(1, new KeyValuePair<string, object?>("tenantrealtime.scope", scope), new KeyValuePair<string, object?>("tenantrealtime.outcome", outcome));

    public void TopicAuthorizerFailed() => _topicAuthorizerFailures.Add(1);

    public void ConnectionClosed() => _activeConnections.Add(-1);

    public void Broadcast(string scope, string eventName, long localRecipients, TimeSpan duration)
    {
        var tags = new TagList { { "tenantrealtime.scope", scope }, { "tenantrealtime.event", eventName } };
        _broadcasts.Add(1, tags);
        _fannedOut.Add(localRecipients, tags);
        _broadcastDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("tenantrealtime.scope", scope));
    }

    /// <param name="operation">connect, join, authenticate; negotiate (and connect) for the connection ceiling.</param>
    /// <param name="code">The contract's error code: unauthenticated, forbidden, limit-exceeded; over-capacity for the connection ceiling.</param>
    public void Refused(string operation, string code) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("tenantrealtime.operation", operation), new KeyValuePair<string, object?>("tenantrealtime.reason", code));

    public void RateLimited() => _rateLimited.Add(1);

    /// <summary>Publishes what waits to be written across this server's connections as <c>tenantrealtime.send.backlog</c>.</summary>
    public void ObserveSendBacklog(Func<long> bytes) =>
        _meter.CreateObservableGauge(
            "tenantrealtime.send.backlog", bytes, "By", "Bytes waiting to be written to connections that read slower than they are sent to.");

    /// <summary>Publishes the state changes replaced in connections' send queues as <c>tenantrealtime.state.replaced</c>.</summary>
    public void ObserveStateReplaced(Func<long> changes) =>
        _meter.CreateObservableCounter(
            "tenantrealtime.state.replaced", changes, "{change}", "State changes replaced in a slow connection's send queue by a newer change of the same key, so it never falls further behind.");

    /// <param name="reason">revoked, flooding, slow-consumer, expired.</param>
    public void ClosedByServer(string reason) =>
        _closedByServer.Add(1, new KeyValuePair<string, object?>("tenantrealtime.reason", reason));

    /// <param name="scope">organization or tenant.</param>
    /// <param name="type">joined or left.</param>
    /// <param name="count">How many such events.</param>
    public void PresenceEvent(string scope, string type, long count = 1) =>
        _presenceEvents.Add(count, new KeyValuePair<string, object?>("tenantrealtime.scope", scope), new KeyValuePair<string, object?>("tenantrealtime.presence.type", type));

    /// <param name="scope">organization or tenant.</param>
    /// <param name="changes">How many user changes waited.</param>
    public void PresenceDeferred(string scope, long changes = 1) =>
        _presenceDeferred.Add(changes, new KeyValuePair<string, object?>("tenantrealtime.scope", scope));

    /// <param name="scope">all, organization, tenant or user.</param>
    /// <param name="roomKeys">How many keys the room holds after the change.</param>
    public void StateChanged(string scope, long roomKeys)
    {
        var tag = new KeyValuePair<string, object?>("tenantrealtime.scope", scope);
        _stateChanges.Add(1, tag);
        _stateRoomKeys.Record(roomKeys, tag);
    }

    /// <param name="scope">all, organization, tenant or user.</param>
    public void StateMerged(string scope) =>
        _stateMerged.Add(1, new KeyValuePair<string, object?>("tenantrealtime.scope", scope));

    /// <param name="scope">all, organization, tenant or user.</param>
    /// <param name="outcome">loaded, none (the loader had nothing) or failed (it threw or ran out of time).</param>
    public void StateLoad(string scope, string outcome) =>
        _stateLoads.Add(1, new KeyValuePair<string, object?>("tenantrealtime.scope", scope), new KeyValuePair<string, object?>("tenantrealtime.state.load", outcome));

    /// <param name="scope">all, organization, tenant or user.</param>
    /// <param name="full">Whether the whole state was sent (else the changes since a version).</param>
    /// <param name="bytes">The bytes of the values' JSON.</param>
    public void StateSent(string scope, bool full, long bytes) =>
        _stateSnapshotBytes.Record(bytes, new KeyValuePair<string, object?>("tenantrealtime.scope", scope), new KeyValuePair<string, object?>("tenantrealtime.state.kind", full ? "whole" : "delta"));
}
