using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Rooms.Internal;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    private const string GetStateShape = "{room}";
    private const string StateVersionShape = "{room, epoch, version}";

    /// <summary>
    /// <c>GetState({room})</c>: sends the whole state of one room the connection holds (<c>all</c>, its organization,
    /// tenant or user room; an admin any tenant room of an organization it administers) as a <c>state</c> event, then
    /// answers <c>{room, epoch, version}</c>. From then on the room's changes reach the connection live: an admin reads
    /// a tenant's state here before it receives that tenant's changes, so it never applies a change to state it never had.
    /// </summary>
    public async Task<Dictionary<string, object?>> GetState(object? request)
    {
        var argument = Parse(request, nameof(GetState), GetStateShape);
        var room = ReadRoomKey(argument, nameof(GetState));
        var state = RequireIdentity(out var identity);
        if (!StateRoomKeys.HasState(room) || !RoomNames.IsHeld(room, state.Rooms))
        {
            TenantRealtimeLog.StateReadRefused(logger, Context.ConnectionId, identity.UserId, room);
            metrics.Refused(Operations.State, TenantRealtimeWire.Errors.Forbidden);
            throw HubErrors.Forbidden("the connection does not hold that room's state.");
        }

        await stateSync.RefreshAsync([room], Context.ConnectionAborted).ConfigureAwait(false);
        StateRead read = default;
        await SendStateAsync((connection, reads) => reads.Add(read = stateReader.Whole(connection, room))).ConfigureAwait(false);
        return new Dictionary<string, object?>
        {
            [TenantRealtimeWire.StateFields.Room] = room,
            [TenantRealtimeWire.StateFields.Epoch] = read.Epoch,
            [TenantRealtimeWire.StateFields.Version] = read.Version,
        };
    }

    /// <summary>
    /// Takes the connection's place, reads state into it (each read opens the room's gate, so live changes queue behind
    /// it), and returns once the client has been written all of it: the method's answer never overtakes its state.
    /// </summary>
    private async Task SendStateAsync(Action<ConnectionSender, List<StateRead>> read)
    {
        var sender = delivery.Find(Context.ConnectionId) ?? throw HubErrors.Unauthenticated("this connection has no identity.");
        var reads = new List<StateRead>();
        var slot = sender.BeginReplay();
        try
        {
            read(sender, reads);
        }
        finally
        {
            sender.CompleteReplay(slot, [.. reads.Where(r => r.Message is not null).Select(r => new Outgoing(r.Message!, room: null, seq: 0))]);
        }

        await slot.Written.WaitAsync(Context.ConnectionAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>Resume</c>'s <c>states: [{room, epoch, version}]</c>: for each room the connection holds, the keys changed and
    /// removed since (or the whole state), read into <paramref name="reads"/>, which the caller writes after the replayed
    /// broadcasts. A room it does not hold gets <c>error="forbidden"</c> and nothing.
    /// </summary>
    private List<RoomResumeResult> ResumeStates(IReadOnlyList<HubArgument> versions, Connections.Internal.ConnectionState state, ConnectionSender sender, List<Outgoing> reads)
    {
        var results = new List<RoomResumeResult>(versions.Count);
        foreach (var version in versions)
        {
            var (room, epoch, held) = ReadStateVersion(version);
            if (!StateRoomKeys.HasState(room) || !RoomNames.IsHeld(room, state.Rooms))
            {
                TenantRealtimeLog.ResumeRefused(logger, Context.ConnectionId, room);
                results.Add(new RoomResumeResult(room, recovered: false, replayed: 0, TenantRealtimeWire.Errors.Forbidden));
                continue;
            }

            var read = stateReader.Since(sender, room, epoch, held);
            if (read.Message is { } message)
            {
                reads.Add(new Outgoing(message, room: null, seq: 0));
            }

            results.Add(new RoomResumeResult(room, recovered: !read.Full, read.Keys, error: null));
        }

        return results;
    }

    private (string Room, string Epoch, long Version) ReadStateVersion(HubArgument item)
    {
        var room = ReadRoomKey(item, nameof(Resume));
        var epoch = item.GetString(TenantRealtimeWire.StateFields.Epoch);
        var version = item.GetInt64(TenantRealtimeWire.StateFields.Version);
        if (string.IsNullOrEmpty(epoch) || epoch.Length > 128)
        {
            throw InvalidArgument(nameof(Resume), "'epoch' must be the epoch of a received state message.");
        }

        if (version < 0)
        {
            throw InvalidArgument(nameof(Resume), "'version' must not be negative.");
        }

        return (room, epoch, version);
    }

    private string ReadRoomKey(HubArgument argument, string method)
    {
        var room = argument.GetString(TenantRealtimeWire.StateFields.Room);
        return string.IsNullOrEmpty(room) || room.Length > MaxRoomKeyLength
            ? throw InvalidArgument(method, $"'room' must be a room key of 1 to {MaxRoomKeyLength} characters.")
            : room;
    }
}
