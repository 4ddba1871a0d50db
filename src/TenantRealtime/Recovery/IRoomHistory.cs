
namespace TenantRealtime.Recovery;

/// <summary>
/// Reads each room's kept broadcasts so a reconnecting client can resume, and its position. In memory for one server;
/// the Redis package keeps it in Redis so sequence numbers are cluster-wide and a client can resume anywhere. Numbering
/// and keeping are the senders' (<see cref="IBroadcastSender"/>), through the concrete history each uses.
/// </summary>
internal interface IRoomHistory
{
    /// <summary>
    /// The current position of <paramref name="room"/>: its epoch and the last seq numbered in it (0 if none yet). A room
    /// with no history gets its epoch now, at seq 0, so a resume from that position recovers everything broadcast after.
    /// </summary>
    /// <returns>The position, or <see langword="null"/> when the history cannot be read now (its store is unreachable).</returns>
    ValueTask<RoomPosition?> PositionAsync(string room, CancellationToken cancellationToken);

    /// <summary>The broadcasts of <paramref name="room"/> after <paramref name="afterSeq"/>, if all of them are still kept in <paramref name="epoch"/>.</summary>
    ValueTask<HistoryRead> ReadAfterAsync(string room, string epoch, long afterSeq, CancellationToken cancellationToken);
}
