using System.Text.Json;
using Microsoft.Extensions.Logging;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Redis.State;

/// <summary>
/// Keeps this server's mirror of each room's state (the core's rooms) in step with Redis: applies the changes that
/// arrive on the organization's channel in their version order and hands them to this server's connections, and reads
/// Redis when a change does not follow the mirror (a gap, another epoch, a room not mirrored yet) and before the hub
/// reads a room for a connection (filling it with the app's loader first when Redis has none, <see cref="RedisStateReads"/>).
/// On an outage a read is bounded by the <see cref="RedisCallPolicy"/> and the mirror
/// stays as it is (possibly behind); the next change of the room, or the next read, brings it up to date. A key with a
/// time-to-live in a room mirrored here (its expiry message, or a read reporting the room's next due key) has this
/// server sweep the room when it is due, so the key ends even when the server that set it is gone.
/// </summary>
internal sealed class RedisStateReceiver(
    StateRoomStore rooms,
    StatePublisher publisher,
    RedisStateReads reads,
    RedisStateExpiry expiry,
    ILogger<RedisStateReceiver> logger) : IChannelMessageHandler, IStateSync
{
    public bool TryHandle(ReadOnlyMemory<byte> payload)
    {
        if (!payload.IsEmpty && payload.Span[0] == StateMessage.ExpiryVersion)
        {
            if (!StateMessage.TryReadExpiry(payload.Span, out var expiring, out var timeToLive))
            {
                RedisLog.BroadcastRejected(logger, payload.Length);
            }
            else if (rooms.Find(expiring) is not null)
            {
                expiry.ScheduleIn(expiring, timeToLive);
            }

            return true;
        }

        if (payload.IsEmpty || payload.Span[0] != StateMessage.Version)
        {
            return false;
        }

        if (!StateMessage.TryRead(payload, out var change))
        {
            RedisLog.BroadcastRejected(logger, payload.Length);
            return true;
        }

        StateValue? value;
        try
        {
            value = change.ValueJson is { } json ? StateValueSerializer.FromJson(json.Span) : null;
        }
        catch (JsonException ex)
        {
            RedisLog.BroadcastUndeliverable(logger, payload.Length, ex);
            return true;
        }

        var mirror = rooms.Find(change.Room) ?? (change.Version == 1 ? rooms.GetOrCreate(change.Room, change.Epoch) : null);
        if (mirror is null || !mirror.ApplyChange(change.Epoch, change.Version, change.Key, value, publisher))
        {
            _ = RefreshRoomAsync(change.Room, CancellationToken.None);
        }

        return true;
    }

    public async ValueTask RefreshAsync(IReadOnlyList<string> rooms, CancellationToken cancellationToken)
    {
        if (rooms.Count == 1)
        {
            await RefreshRoomAsync(rooms[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        // The caller's token is watched once for all the reads (each is bounded by the call policy): a token keeps as many
        // registration nodes as were ever registered on it at once, ~80 B each, for the life of the connection it is.
        await Task.WhenAll(rooms.Select(room => RefreshRoomAsync(room, CancellationToken.None))).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshRoomAsync(string room, CancellationToken cancellationToken)
    {
        var mirror = rooms.Find(room);
        var call = await reads.ReadAsync(room, mirror?.Epoch, mirror?.Version ?? 0, cancellationToken).ConfigureAwait(false);
        if (!call.Answered)
        {
            RedisLog.StateReadSkipped(logger, room, call.Reason);
            return;
        }

        var read = call.Result<RedisStateRead>();
        if (read.NextDueMilliseconds >= 0)
        {
            expiry.ScheduleIn(room, TimeSpan.FromMilliseconds(read.NextDueMilliseconds));
        }

        var set = new Dictionary<string, StateValue>(read.Set.Count, StringComparer.Ordinal);
        foreach (var (key, json) in read.Set)
        {
            set[key] = StateValueSerializer.FromJson(System.Text.Encoding.UTF8.GetBytes(json));
        }

        // The mirror may have been created meanwhile (a live change of the fill): the read applies to it all the same.
        (mirror ?? rooms.GetOrCreate(room, read.Epoch)).ApplyRead(read.Epoch, read.Version, read.Full, read.Filled, set, read.Removed, publisher);
    }
}
