using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Identity.Internal;
using TenantRealtime.Recovery;
using TenantRealtime.Rooms.Internal;
using TenantRealtime.Topics.Internal;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>
/// Validates a broadcast, builds its envelope once and hands it to the <see cref="IBroadcastSender"/> once; SignalR
/// serializes it once per protocol and writes the same bytes to every recipient.
/// </summary>
internal sealed class TenantBroadcaster(
    IBroadcastSender sender,
    TimeProvider time,
    IOptionsMonitor<TenantRealtimeOptions> options,
    ILocalDelivery local,
    TenantRealtimeMetrics metrics,
    ILogger<TenantBroadcaster> logger) : ITenantBroadcaster
{
    public Task<BroadcastReceipt> BroadcastToAllAsync(string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        var broadcast = Prepare(BroadcastScope.All, null, null, null, eventName, type, data);
        return SendAsync(BroadcastScope.All, new BroadcastTarget(RoomNames.All, Groups: null), local.ConnectionCount, broadcast, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToOrganizationAsync(string organizationId, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        ValidateId(organizationId);
        var broadcast = Prepare(BroadcastScope.Organization, organizationId, null, null, eventName, type, data);
        var group = RoomNames.Organization(organizationId);
        return SendAsync(BroadcastScope.Organization, new BroadcastTarget(group, [group]), local.MembersOf(group), broadcast, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToTenantAsync(string organizationId, string tenantId, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        ValidateId(organizationId);
        ValidateId(tenantId);
        var broadcast = Prepare(BroadcastScope.Tenant, organizationId, tenantId, null, eventName, type, data);

        // Admins hold org-admins instead of a tenant delivery group (DeliveryGroups), so each connection gets it once.
        // The envelope's room is the tenant room either way: that is the history an admin resumes too.
        var groups = RoomNames.TenantBroadcast(organizationId, tenantId);
        return SendAsync(BroadcastScope.Tenant, new BroadcastTarget(groups[0], groups), local.MembersOf(groups[0]) + local.MembersOf(groups[1]), broadcast, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToUserAsync(string organizationId, string userId, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        ValidateId(organizationId);
        ValidateId(userId);
        var broadcast = Prepare(BroadcastScope.User, organizationId, null, userId, eventName, type, data);
        var group = RoomNames.User(organizationId, userId);
        return SendAsync(BroadcastScope.User, new BroadcastTarget(group, [group]), local.MembersOf(group), broadcast, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToTopicAsync(Topic topic, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        var room = TopicRooms.Of(topic, options.CurrentValue, nameof(topic));
        var broadcast = Prepare(BroadcastScope.Topic, topic.OrganizationId, topic.TenantId, null, eventName, type, data) with { Topic = topic.Name };
        return SendAsync(BroadcastScope.Topic, new BroadcastTarget(room, [room]), local.MembersOf(room), broadcast, cancellationToken);
    }

    private OutgoingBroadcast Prepare(BroadcastScope scope, string? organizationId, string? tenantId, string? userId, string eventName, string type, object? data)
    {
        EventNameRules.ThrowIfInvalid(eventName, nameof(eventName));
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        return new OutgoingBroadcast(ScopeNames.Of(scope), organizationId, tenantId, userId, eventName, type, data, time.GetUtcNow());
    }

    private async Task<BroadcastReceipt> SendAsync(BroadcastScope scope, BroadcastTarget target, long localRecipients, OutgoingBroadcast broadcast, CancellationToken cancellationToken)
    {
        using var activity = TenantRealtimeActivitySource.StartBroadcast(broadcast.Scope, broadcast.EventName);
        var started = time.GetTimestamp();
        var envelope = await sender.SendAsync(target, broadcast, cancellationToken).ConfigureAwait(false);
        metrics.Broadcast(broadcast.Scope, broadcast.EventName, localRecipients, time.GetElapsedTime(started));
        TenantRealtimeLog.BroadcastSent(logger, broadcast.Scope, broadcast.EventName);
        return new BroadcastReceipt(scope, broadcast.OrganizationId, broadcast.TenantId, broadcast.UserId, broadcast.EventName, broadcast.Type, broadcast.Timestamp)
        {
            Room = envelope.Room!,
            Seq = envelope.Seq,
            Epoch = envelope.Epoch,
            Topic = broadcast.Topic,
        };
    }

    private void ValidateId(string id, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(id))] string? paramName = null) =>
        Ids.ThrowIfInvalid(id, options.CurrentValue.MaxIdLength, paramName);
}
