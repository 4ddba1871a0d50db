using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Presence.Internal;

/// <summary>
/// Sends a <c>presence</c> event to this server's connections of a scope's groups, through the same non-blocking
/// delivery as broadcasts: handed to each recipient's bounded sender, never awaited. Not numbered and not kept: the
/// envelope has no <c>room</c>, <c>seq</c> or <c>epoch</c>, so clients that do not listen see no gap and presence churn
/// never evicts a broadcast from the history.
/// </summary>
internal sealed class PresenceEvents(
    ILocalDelivery delivery,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time,
    ILogger<PresenceEvents> logger)
{
    public void Send(PresenceRoom scope, string type, IReadOnlyList<PresenceUser> users, long userCount)
    {
        var settings = options.CurrentValue;
        var countsOnly = userCount > settings.MaxPresenceListSize;
        var envelope = new TenantEnvelope(
            type,
            PresencePayload.Event(users, userCount, countsOnly),
            PresencePayload.Timestamp(time.GetUtcNow()),
            scope.WireName,
            scope.OrganizationId,
            scope.TenantId,
            userId: null)
        {
            Topic = scope.Topic,
        };
        delivery.DeliverLocally(scope.Groups(settings.ShareOrganizationPresenceWithMembers), TenantRealtimeWire.Events.Presence, envelope);
        metrics.PresenceEvent(scope.WireName, type);
        TenantRealtimeLog.PresenceSent(logger, type, users.Count, scope.WireName, scope.OrganizationId);
    }
}
