using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Internal.Connections;
using TenantRealtime.Internal.Diagnostics;
using TenantRealtime.Internal.Hubs;
using TenantRealtime.Internal.Rooms;

namespace TenantRealtime.Internal.Broadcasting;

/// <summary>
/// Builds the envelope once and hands it to SignalR once per broadcast; SignalR serializes it once per protocol
/// and writes the same bytes to every recipient.
/// </summary>
internal sealed class TenantBroadcaster(
    IHubContext<TenantRealtimeHub> hub,
    TimeProvider time,
    IOptionsMonitor<TenantRealtimeOptions> options,
    RoomMembership membership,
    LocalConnectionStore store,
    TenantRealtimeMetrics metrics,
    ILogger<TenantBroadcaster> logger) : ITenantBroadcaster
{
    public Task<BroadcastReceipt> BroadcastToAllAsync(string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        var (receipt, envelope) = Prepare(BroadcastScope.All, null, null, null, eventName, type, data);
        return SendAsync(hub.Clients.All, store.Count, receipt, envelope, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToOrganizationAsync(string organizationId, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        ValidateId(organizationId);
        var (receipt, envelope) = Prepare(BroadcastScope.Organization, organizationId, null, null, eventName, type, data);
        var group = RoomNames.Organization(organizationId);
        return SendAsync(hub.Clients.Group(group), membership.MembersOf(group), receipt, envelope, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToTenantAsync(string organizationId, string tenantId, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        ValidateId(organizationId);
        ValidateId(tenantId);
        var (receipt, envelope) = Prepare(BroadcastScope.Tenant, organizationId, tenantId, null, eventName, type, data);

        // Admins hold org-admins instead of a tenant delivery group (DeliveryGroups), so each connection gets it once.
        var groups = DeliveryGroups.ForTenantBroadcast(organizationId, tenantId);
        return SendAsync(hub.Clients.Groups(groups), membership.MembersOf(groups[0]) + membership.MembersOf(groups[1]), receipt, envelope, cancellationToken);
    }

    public Task<BroadcastReceipt> BroadcastToUserAsync(string organizationId, string userId, string eventName, string type, object? data, CancellationToken cancellationToken = default)
    {
        ValidateId(organizationId);
        ValidateId(userId);
        var (receipt, envelope) = Prepare(BroadcastScope.User, organizationId, null, userId, eventName, type, data);
        var group = RoomNames.User(organizationId, userId);
        return SendAsync(hub.Clients.Group(group), membership.MembersOf(group), receipt, envelope, cancellationToken);
    }

    private (BroadcastReceipt Receipt, TenantEnvelope Envelope) Prepare(
        BroadcastScope scope, string? organizationId, string? tenantId, string? userId, string eventName, string type, object? data)
    {
        EventNames.ThrowIfInvalid(eventName, nameof(eventName));
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        var timestamp = time.GetUtcNow();
        var envelope = new TenantEnvelope(
            type,
            data,
            timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ScopeNames.Of(scope),
            organizationId,
            tenantId,
            userId);
        return (new BroadcastReceipt(scope, organizationId, tenantId, userId, eventName, type, timestamp), envelope);
    }

    private async Task<BroadcastReceipt> SendAsync(IClientProxy clients, long localRecipients, BroadcastReceipt receipt, TenantEnvelope envelope, CancellationToken cancellationToken)
    {
        var scope = envelope.Scope;
        using var activity = TenantRealtimeActivitySource.StartBroadcast(scope, receipt.EventName);
        var started = time.GetTimestamp();
        await clients.SendAsync(receipt.EventName, envelope, cancellationToken).ConfigureAwait(false);
        metrics.Broadcast(scope, receipt.EventName, localRecipients, time.GetElapsedTime(started));
        TenantRealtimeLog.BroadcastSent(logger, scope, receipt.EventName);
        return receipt;
    }

    private void ValidateId(string id, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(id))] string? paramName = null) =>
        Ids.ThrowIfInvalid(id, options.CurrentValue.MaxIdLength, paramName);
}
