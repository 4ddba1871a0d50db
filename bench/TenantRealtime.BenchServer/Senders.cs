using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.BenchServer;

/// <summary>
/// The measured payload: a sequence number, the server's wall clock in Unix microseconds, padding, and in keyed drives
/// the key it is the value of (left out of the JSON otherwise, so the other scenarios' bytes are unchanged).
/// </summary>
internal sealed record BenchData(long N, long T, string P, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? K = null);

/// <summary>The original design's envelope, as the bare hub sends it: <c>{type, data, timestamp}</c>.</summary>
internal sealed record BareEnvelope(string Type, BenchData Data, string Timestamp);

/// <summary>How one target sends one broadcast. The driver is the same for every target.</summary>
internal interface IBenchSender
{
    Task ToTenantAsync(string organizationId, string tenantId, BenchData data);

    Task ToOrganizationAsync(string organizationId, BenchData data);

    Task ToAllAsync(BenchData data);

    /// <summary>Sets <paramref name="key"/> of a tenant's state room (TenantRealtime only).</summary>
    Task SetStateAsync(string organizationId, string tenantId, string key, BenchData data);

    /// <summary>Broadcasts to a topic of a tenant (TenantRealtime only).</summary>
    Task ToTopicAsync(string organizationId, string tenantId, string topic, BenchData data);
}

/// <summary>The library, exactly as an app uses it: <see cref="ITenantBroadcaster"/>.</summary>
internal sealed class TenantRealtimeSender(ITenantBroadcaster broadcaster, ITenantState state) : IBenchSender
{
    public Task SetStateAsync(string organizationId, string tenantId, string key, BenchData data) =>
        state.SetAsync(StateRoom.Tenant(organizationId, tenantId), key, data);

    public Task ToTenantAsync(string organizationId, string tenantId, BenchData data) =>
        broadcaster.BroadcastToTenantAsync(organizationId, tenantId, Driver.EventName, "tick", data);

    public Task ToOrganizationAsync(string organizationId, BenchData data) =>
        broadcaster.BroadcastToOrganizationAsync(organizationId, Driver.EventName, "tick", data);

    public Task ToAllAsync(BenchData data) => broadcaster.BroadcastToAllAsync(Driver.EventName, "tick", data);

    public Task ToTopicAsync(string organizationId, string tenantId, string topic, BenchData data) =>
        broadcaster.BroadcastToTopicAsync(Topic.InTenant(organizationId, tenantId, topic), Driver.EventName, "tick", data);
}

/// <summary>The floor: <see cref="IHubContext{THub}"/> groups, no validation, no envelope type of our own.</summary>
/// <remarks>
/// With <c>--full-envelope</c> it sends the library's own <see cref="TenantEnvelope"/> with room, seq and epoch (the
/// bytes TenantRealtime puts on the wire with recovery on), which separates the cost of the larger payload from the
/// cost of the library's code.
/// </remarks>
internal sealed class BareSignalRSender(IHubContext<BareHub> hub, ServerSettings settings) : IBenchSender
{
    private readonly RetainedBroadcasts _retained = new(settings.Retain);

    // The harness refuses state mode for the bare hub; this says so if a request gets here anyway.
    public Task SetStateAsync(string organizationId, string tenantId, string key, BenchData data) =>
        Task.FromException(new NotSupportedException("the bare hub has no keyed state."));

    // The harness refuses topic-fanout for the bare hub, as state mode.
    public Task ToTopicAsync(string organizationId, string tenantId, string topic, BenchData data) =>
        Task.FromException(new NotSupportedException("the bare hub has no topics."));

    public Task ToTenantAsync(string organizationId, string tenantId, BenchData data)
    {
        var group = $"tenant:{organizationId}:{tenantId}";
        _retained.Keep(group, data);
        return hub.Clients.Group(group).SendAsync(Driver.EventName, Envelope(data, "tenant", organizationId, tenantId));
    }

    public Task ToOrganizationAsync(string organizationId, BenchData data)
    {
        var group = $"org:{organizationId}";
        _retained.Keep(group, data);
        return hub.Clients.Group(group).SendAsync(Driver.EventName, Envelope(data, "organization", organizationId, null));
    }

    public Task ToAllAsync(BenchData data)
    {
        _retained.Keep("all", data);
        return hub.Clients.All.SendAsync(Driver.EventName, Envelope(data, "all", null, null));
    }

    // An epoch's length (RoomEpochs: 12 characters); the value does not matter to the bytes.
    private const string Epoch = "AAAAAAAAAAAA";

    private object Envelope(BenchData data, string scope, string? organizationId, string? tenantId)
    {
        var timestamp = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        if (!settings.FullEnvelope)
        {
            return new BareEnvelope("tick", data, timestamp);
        }

        // What the library puts on the wire with recovery on: the room and a per-room position of about the same
        // number of digits (the driver round-robins the rooms, so a room's position is about N / rooms).
        var room = tenantId is not null ? $"tenant:{organizationId}:{tenantId}" : organizationId is not null ? $"org:{organizationId}" : "all";
        return new TenantEnvelope("tick", data, timestamp, scope, organizationId, tenantId, null)
        {
            Room = room,
            Seq = tenantId is not null ? data.N / 100 : organizationId is not null ? data.N / 10 : data.N,
            Epoch = Epoch,
        };
    }
}

/// <summary>A bare hub written the way the socket.io design was: read the claims, join org and tenant groups.</summary>
[Authorize]
internal sealed class BareHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var user = Context.User;
        var organizationId = user?.FindFirst("org_id")?.Value;
        var tenantId = user?.FindFirst("tenant_id")?.Value;
        if (string.IsNullOrEmpty(organizationId) || user?.FindFirst("sub") is null)
        {
            Context.Abort();
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, $"org:{organizationId}");
        if (!string.IsNullOrEmpty(tenantId))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, $"tenant:{organizationId}:{tenantId}");
        }
    }
}

/// <summary>
/// <c>--retain n</c>: the bare hub keeps each room's last n broadcasts' data the way the library's recovery history
/// does (a queue per room of structs that hold the data), without sending anything more: what keeping broadcasts
/// alone costs a server under load, apart from the library's other work.
/// </summary>
internal sealed class RetainedBroadcasts(int capacity)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Queue<Kept>> _rooms = new(StringComparer.Ordinal);

    public void Keep(string room, BenchData data)
    {
        if (capacity <= 0)
        {
            return;
        }

        var queue = _rooms.GetOrAdd(room, static _ => new Queue<Kept>());
        lock (queue)
        {
            queue.Enqueue(new Kept(data.N, System.Diagnostics.Stopwatch.GetTimestamp(), room, data, DateTimeOffset.UtcNow));
            while (queue.Count > capacity)
            {
                queue.Dequeue();
            }
        }
    }

    // About the size and shape of the library's kept entry: two longs, references to the room and the data, a time.
    private readonly record struct Kept(long Seq, long At, string Room, object Data, DateTimeOffset Timestamp);
}
