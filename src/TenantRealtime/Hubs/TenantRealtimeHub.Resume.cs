using Microsoft.AspNetCore.SignalR.Protocol;
using TenantRealtime.State.Internal;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Hubs;

internal sealed partial class TenantRealtimeHub
{
    private const string ResumeShape = "{positions: [{room, epoch, seq}], states?: [{room, epoch, version}]}";
    private const string PositionShape = "{room, epoch, seq}";
    // The longest key: a tenant's topic, "topic:{o}:{t}:{name}".
    private const int MaxRoomKeyLength = 2 * TenantIds.MaxSupportedLength + TopicNames.MaxSupportedLength + 16;

    /// <summary>
    /// <c>Resume({positions: [{room, epoch, seq}]})</c>: for each room the connection holds now, sends the broadcasts
    /// after <c>seq</c> as their original events, in order, then answers <c>{rooms: [{room, recovered, replayed, error?}]}</c>.
    /// A room the connection does not hold gets <c>recovered=false, error="forbidden"</c>. Never joins a room. With
    /// <c>states: [{room, epoch, version}]</c> it also sends, after the replay, each held room's state changes since that
    /// version (or its whole state) and answers them in <c>states</c> (<see cref="ResumeStates"/>).
    /// </summary>
    /// <remarks>
    /// The replay goes through the connection's sender: its place is taken before the history is read, so live
    /// broadcasts arriving meanwhile are written after it (those it already holds are not written twice), and the
    /// answer comes once the client has been written all of it, at the pace it reads.
    /// </remarks>
    public async Task<ResumeResult> Resume(object? request)
    {
        var argument = Parse(request, nameof(Resume), ResumeShape);
        var positions = ReadPositions(argument);
        var versions = argument.Has(TenantRealtimeWire.StateFields.States)
            ? argument.GetObjects(TenantRealtimeWire.StateFields.States, nameof(Resume), StateVersionShape, MaxResumedRooms)
            : null;
        var state = lifecycle.StateOf(Context) ?? throw HubErrors.Unauthenticated("this connection has no identity.");
        var sender = delivery.Find(Context.ConnectionId) ?? throw HubErrors.Unauthenticated("this connection has no identity.");
        var results = new List<RoomResumeResult>(positions.Count);
        var replay = new List<Outgoing>();
        List<RoomResumeResult>? states = null;
        if (versions is not null)
        {
            // Bring the held rooms up to date with the store first (Redis): the reads below are taken in place, without waiting.
            var held = versions.Select(v => ReadStateVersion(v).Room).Where(r => StateRoomKeys.HasState(r) && RoomNames.IsHeld(r, state.Rooms)).Distinct().ToList();
            await stateSync.RefreshAsync(held, Context.ConnectionAborted).ConfigureAwait(false);
        }

        var slot = sender.BeginReplay();
        try
        {
            foreach (var position in positions)
            {
                results.Add(await ResumeRoomAsync(state, position, replay).ConfigureAwait(false));
            }

            // State after the replayed broadcasts, in the same place: live changes of those rooms queue behind it.
            states = versions is null ? null : ResumeStates(versions, state, sender, replay);
        }
        finally
        {
            sender.CompleteReplay(slot, replay);
        }

        await slot.Written.WaitAsync(Context.ConnectionAborted).ConfigureAwait(false);
        return new ResumeResult(results) { States = states };
    }

    private async Task<RoomResumeResult> ResumeRoomAsync(ConnectionState state, RoomPosition position, List<Outgoing> replay)
    {
        if (!RoomNames.IsHeld(position.Room, state.Rooms))
        {
            TenantRealtimeLog.ResumeRefused(logger, Context.ConnectionId, position.Room);
            return new RoomResumeResult(position.Room, recovered: false, replayed: 0, TenantRealtimeWire.Errors.Forbidden);
        }

        if (!options.CurrentValue.EnableRecovery)
        {
            return new RoomResumeResult(position.Room, recovered: false, replayed: 0, error: null);
        }

        var read = await history.ReadAfterAsync(position.Room, position.Epoch, position.Seq, Context.ConnectionAborted).ConfigureAwait(false);
        foreach (var entry in read.Entries)
        {
            replay.Add(new Outgoing(new InvocationMessage(entry.EventName, [entry.Envelope]), entry.Envelope.Room, entry.Envelope.Seq ?? 0));
        }

        return new RoomResumeResult(position.Room, read.Recovered, read.Entries.Count, error: null);
    }

    /// <summary>One per room and topic a connection can hold, plus "all".</summary>
    private int MaxResumedRooms => options.CurrentValue.MaxRoomsPerConnection + options.CurrentValue.MaxTopicsPerConnection + 1;

    private List<RoomPosition> ReadPositions(HubArgument argument)
    {
        var positions = new List<RoomPosition>();
        foreach (var item in argument.GetObjects("positions", nameof(Resume), PositionShape, MaxResumedRooms))
        {
            var room = item.GetString("room");
            var epoch = item.GetString("epoch");
            var seq = item.GetInt64("seq");
            if (string.IsNullOrEmpty(room) || room.Length > MaxRoomKeyLength)
            {
                throw InvalidArgument(nameof(Resume), $"'room' must be a room key of 1 to {MaxRoomKeyLength} characters.");
            }

            if (string.IsNullOrEmpty(epoch) || epoch.Length > 128)
            {
                throw InvalidArgument(nameof(Resume), "'epoch' must be the epoch of a received envelope.");
            }

            if (seq < 0)
            {
                throw InvalidArgument(nameof(Resume), "'seq' must not be negative.");
            }

            positions.Add(new RoomPosition(room, epoch, seq));
        }

        return positions;
    }
}
