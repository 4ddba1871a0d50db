using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// The cluster-wide history: per room a hash (<c>epoch</c>, last <c>seq</c>) and a stream of the kept broadcasts,
/// both under the application's prefix, written by one Lua script per batch of broadcasts that also publishes them. Sequence
/// numbers therefore count across every server, and a client can resume on any server.
/// </summary>
internal sealed class RedisRoomHistory(
    SharedRedisConnection connection,
    IHistoryBounds bounds,
    RedisCallPolicy policy,
    IOptions<JsonHubProtocolOptions> json,
    TimeProvider time,
    ILogger<RedisRoomHistory> logger) : IRoomHistory
{
    /// <summary>Keys outlive the age window by this much, so a reader's slightly different clock never finds them gone early.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    /// <summary>The TTL (ms) every script gives a room's keys: the age window plus <see cref="ExpiryMargin"/>.</summary>
    private static long TtlMsOf(HistoryBounds bounds) => (long)(bounds.MaxAge + ExpiryMargin).TotalMilliseconds;

    private HistoryBounds BoundsOf(string room) => bounds.Of(room);

    /// <summary>
    /// How often appends renew a room's TTL: half the margin, so the keys always outlive the age window by at least
    /// half of it, while most appends skip two PEXPIRE calls.
    /// </summary>
    private static long TtlRenewalMs => (long)(ExpiryMargin / 2).TotalMilliseconds;

    /// <summary>
    /// Numbers a batch of broadcasts, keeps each and publishes each on its organization's channel, in order, in one
    /// script (see <see cref="HistoryScripts.Append"/>): the returned envelopes carry their room, seq and epoch. A retry
    /// whose first attempt Redis ran (its reply lost) gets the seq it was given then, and is not published again.
    /// </summary>
    public async Task<TenantEnvelope[]> AppendAsync(IReadOnlyList<AppendRequest> batch, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var redisKeys = new RedisKey[2 * batch.Count];
        var values = new RedisValue[4 + (8 * batch.Count)];
        values[0] = time.GetUtcNow().ToUnixTimeMilliseconds();
        values[1] = batch[0].Publication.Command;
        values[2] = TtlRenewalMs;
        values[3] = RoomEpochs.New();
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            var roomBounds = BoundsOf(request.Room);
            redisKeys[2 * i] = request.Publication.Meta;
            redisKeys[(2 * i) + 1] = request.Publication.Stream;
            var a = 4 + (8 * i);
            values[a + 6] = roomBounds.MaxMessages;
            values[a + 7] = TtlMsOf(roomBounds);
            values[a] = request.Broadcast.EventName;
            values[a + 1] = request.Payload;
            values[a + 2] = request.Publication.Channel;
            values[a + 3] = request.Publication.Head;
            values[a + 4] = request.Id;
            values[a + 5] = request.Retry ? 1 : 0;
        }

        var result = await database.ScriptEvaluateAsync(HistoryScripts.Append, redisKeys, values).WaitAsync(cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var envelopes = new TenantEnvelope[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            envelopes[i] = batch[i].Broadcast.ToEnvelope(batch[i].Room, (long)parts[(2 * i) + 1], (string)parts[2 * i]!);
        }

        return envelopes;
    }

    /// <summary>Numbers one broadcast (a batch of one); its envelope JSON is serialized here.</summary>
    public async Task<TenantEnvelope> AppendAsync(string room, OutgoingBroadcast broadcast, RoomPublication publication, string id, bool retry, CancellationToken cancellationToken)
    {
        var request = new AppendRequest(room, broadcast, Serialize(broadcast), publication, id, retry);
        return (await AppendAsync([request], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The envelope JSON kept in the stream and carried on the channel.</summary>
    public byte[] Serialize(OutgoingBroadcast broadcast) =>
        StoredEnvelopeSerializer.Serialize(broadcast, json.Value.PayloadSerializerOptions);

    /// <summary>Starts <paramref name="room"/> over in a new epoch (see <see cref="HistoryScripts.Reset"/>).</summary>
    public async Task ResetAsync(string room, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var keys = connection.Keys;
        await database.ScriptEvaluateAsync(
            HistoryScripts.Reset,
            [keys.HistoryMeta(room), keys.HistoryStream(room)],
            [RoomEpochs.New(), TtlMsOf(BoundsOf(room))]).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The room's position, created at seq 0 when it has no history (see <see cref="HistoryScripts.Position"/>). Like a
    /// read for <c>Resume</c>, it never waits on an outage: with Redis known to be down, or not answering within
    /// <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/>, the room has no position now (<see langword="null"/>).
    /// </summary>
    public async ValueTask<RoomPosition?> PositionAsync(string room, CancellationToken cancellationToken)
    {
        var call = await policy.RunAsync((this, room, cancellationToken), static s => s.Item1.PositionCoreAsync(s.room, s.cancellationToken), cancellationToken).ConfigureAwait(false);
        if (call.Answered)
        {
            return call.Result<RoomPosition?>();
        }

        if (call.Failure is { } failure)
        {
            RedisLog.PositionReadFailed(logger, room, failure);
        }

        return null;
    }

    private async Task<RoomPosition?> PositionCoreAsync(string room, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var keys = connection.Keys;
        var result = await database.ScriptEvaluateAsync(
            HistoryScripts.Position,
            [keys.HistoryMeta(room), keys.HistoryStream(room)],
            [RoomEpochs.New(), TtlMsOf(BoundsOf(room))]).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        return new RoomPosition(room, (string)parts[0]!, (long)parts[1]);
    }

    public async ValueTask<HistoryRead> ReadAfterAsync(string room, string epoch, long afterSeq, CancellationToken cancellationToken)
    {
        if (afterSeq == long.MaxValue)
        {
            return HistoryRead.Lost;
        }

        // Unbounded but never while Redis is known to be down: waiting for the client library's timeout would hold the
        // Resume for seconds, and the answer could only be "not recovered" anyway.
        var call = await policy.RunAsync(
            (this, room, epoch, afterSeq, cancellationToken),
            static s => s.Item1.ReadCoreAsync(s.room, s.epoch, s.afterSeq, s.cancellationToken),
            Timeout.InfiniteTimeSpan,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (call.Answered)
        {
            return call.Result<HistoryRead>();
        }

        if (call.Failure is { } failure)
        {
            RedisLog.HistoryReadFailed(logger, failure);
        }

        return HistoryRead.Lost;
    }

    private async Task<HistoryRead> ReadCoreAsync(string room, string epoch, long afterSeq, CancellationToken cancellationToken)
    {
        var roomBounds = BoundsOf(room);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var keys = connection.Keys;
        var result = await database.ScriptEvaluateAsync(
            HistoryScripts.Read,
            [keys.HistoryMeta(room), keys.HistoryStream(room)],
            [afterSeq + 1, roomBounds.MaxMessages]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            return HistoryRead.Lost;
        }

        var parts = (RedisResult[])result!;
        var currentEpoch = (string)parts[0]!;
        var lastSeq = (long)parts[1];
        if (!string.Equals(epoch, currentEpoch, StringComparison.Ordinal) || afterSeq > lastSeq)
        {
            return HistoryRead.Lost;
        }

        var entries = (RedisResult[])parts[2]!;

        // Every broadcast after the position must still be there: trimmed by the count window (or more missed than
        // it holds) shows as fewer entries than missed, or as a first entry after the one needed.
        if (entries.Length != lastSeq - afterSeq)
        {
            return HistoryRead.Lost;
        }

        var oldestKept = time.GetUtcNow() - roomBounds.MaxAge;
        var missed = new List<HistoryEntry>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = Entry.Parse(entries[i]);
            if (entry.Seq != afterSeq + 1 + i || (i == 0 && entry.At < oldestKept))
            {
                // A gap, or the oldest missed broadcast is older than the age window (age is enforced on read).
                return HistoryRead.Lost;
            }

            missed.Add(new HistoryEntry(entry.EventName, StoredEnvelopeSerializer.Deserialize(entry.Payload, room, entry.Seq, currentEpoch)));
        }

        return new HistoryRead(true, missed);
    }

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>One stream entry: id <c>{seq}-0</c>, fields <c>e</c> (event), <c>p</c> (envelope JSON), <c>t</c> (Unix ms).</summary>
    private readonly record struct Entry(long Seq, string EventName, ReadOnlyMemory<byte> Payload, DateTimeOffset At)
    {
        public static Entry Parse(RedisResult raw)
        {
            var parts = (RedisResult[])raw!;
            var id = (string)parts[0]!;
            var seq = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            var fields = (RedisResult[])parts[1]!;
            string eventName = "";
            byte[] payload = [];
            long at = 0;
            for (var f = 0; f + 1 < fields.Length; f += 2)
            {
                switch ((string)fields[f]!)
                {
                    case "e": eventName = (string)fields[f + 1]!; break;
                    case "p": payload = (byte[])fields[f + 1]!; break;
                    case "t": at = (long)fields[f + 1]; break;
                }
            }

            return new Entry(seq, eventName, payload, DateTimeOffset.FromUnixTimeMilliseconds(at));
        }
    }
}
