using System.Collections.Concurrent;
using TenantRealtime.Redis.Diagnostics;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Group commit of the history appends: broadcasts that arrive while a lane's call is in flight go together in its next
/// call, which numbers, keeps and publishes each in order; a lane starts more calls (up to <see cref="MaxInFlight"/>)
/// only for at least <see cref="FullBatch"/> waiting broadcasts. Nothing is held back while nothing is in flight, so an
/// idle server's broadcast costs one call as before; under load Redis gets fewer, larger requests. A lane is the whole
/// Redis, or on a Redis Cluster one hash slot (a script's keys must share one; an organization's keys and channel do),
/// so a batch never spans shards.
/// </summary>
internal sealed class GroupCommit
{
    /// <summary>The most broadcasts in one call.</summary>
    internal const int MaxBatchCount = 64;

    /// <summary>The most envelope and head bytes in one call (one broadcast larger than this still goes, alone).</summary>
    internal const int MaxBatchBytes = 256 * 1024;

    /// <summary>The most calls of one lane in flight at once; more broadcasts wait for one of them and go together.</summary>
    internal const int MaxInFlight = 32;

    /// <summary>
    /// How many broadcasts must wait before a lane that already has a call in flight starts another: fewer wait for
    /// that call and go together in the next.
    /// </summary>
    internal const int FullBatch = 8;

    private readonly CommitLane _standalone;
    private readonly ConcurrentDictionary<int, CommitLane> _slots = new();
    private readonly Func<List<AppendRequest>, Task<TenantEnvelope[]>> _send;

    public GroupCommit(RedisRoomHistory history, RedisMetrics metrics)
    {
        _send = batch =>
        {
            metrics.Batched(batch.Count);
            return history.AppendAsync(batch, CancellationToken.None);
        };
        _standalone = new CommitLane(_send, MaxBatchCount, MaxBatchBytes, MaxInFlight, FullBatch);
    }

    /// <summary>Appends <paramref name="request"/> in its lane's next call; completes with its envelope.</summary>
    public Task<TenantEnvelope> AppendAsync(AppendRequest request)
    {
        var lane = request.Publication.Slot is var slot and >= 0
            ? _slots.GetOrAdd(slot, static (_, send) => new CommitLane(send, MaxBatchCount, MaxBatchBytes, MaxInFlight, FullBatch), _send)
            : _standalone;
        lane.Add(request);
        return request.Task;
    }
}
