
namespace TenantRealtime.Recovery;

/// <summary>
/// Numbers and keeps each room's broadcasts so a reconnecting client can resume. In memory for one server; the
/// Redis package keeps it in Redis so sequence numbers are cluster-wide and a client can resume anywhere.
/// </summary>
internal interface IRoomHistory
{
    /// <summary>Gives the next broadcast of <paramref name="room"/> its sequence number, keeps it, and returns the envelope sent.</summary>
    /// <param name="room">The room key.</param>
    /// <param name="broadcast">The broadcast; its event name is replayed as is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<TenantEnvelope> AppendAsync(string room, OutgoingBroadcast broadcast, CancellationToken cancellationToken);

    /// <summary>
    /// The current position of <paramref name="room"/>: its epoch and the last seq numbered in it (0 if none yet). A room
    /// with no history gets its epoch now, at seq 0, so a resume from that position recovers everything broadcast after.
    /// </summary>
    /// <returns>The position, or <see langword="null"/> when the history cannot be read now (its store is unreachable).</returns>
    ValueTask<RoomPosition?> PositionAsync(string room, CancellationToken cancellationToken);

    /// <summary>The broadcasts of <paramref name="room"/> after <paramref name="afterSeq"/>, if all of them are still kept in <paramref name="epoch"/>.</summary>
    ValueTask<HistoryRead> ReadAfterAsync(string room, string epoch, long afterSeq, CancellationToken cancellationToken);
}
