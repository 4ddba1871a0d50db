using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace TenantRealtime.Recovery;

/// <summary>
/// This server's history: per room a counter and a bounded list of kept broadcasts (count and age). When every hub
/// protocol is JSON they are kept as the bytes <see cref="StoredEnvelopeSerializer"/> writes, as the Redis history keeps them
/// (<see cref="ByteRoomBuffer"/>); otherwise as the caller's objects (<see cref="ObjectRoomBuffer"/>). Each room has its own
/// random epoch, so a room forgotten after being idle (or a restart) can never be mistaken for its former self.
/// </summary>
internal sealed class InMemoryRoomHistory : IRoomHistory, IDisposable
{
    /// <summary>
    /// A room is remembered this long past the age window, as the Redis history's keys are: a client at the latest
    /// position of a room that went quiet still resumes with nothing missed instead of reloading.
    /// </summary>
    private static readonly TimeSpan ForgetMargin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IHistoryBounds _bounds;
    private readonly JsonSerializerOptions _dataOptions;
    private readonly ITimer _sweep;

    public InMemoryRoomHistory(
        TimeProvider time,
        IOptionsMonitor<TenantRealtimeOptions> options,
        IHistoryBounds bounds,
        IOptions<JsonHubProtocolOptions> json,
        IOptions<HubProtocolOptions> hub)
    {
        _time = time;
        _bounds = bounds;
        _dataOptions = json.Value.PayloadSerializerOptions;
        KeepsBytes = hub.Value.SupportedProtocols is { Count: > 0 } protocols &&
            protocols.All(p => string.Equals(p, "json", StringComparison.OrdinalIgnoreCase));
        var period = options.CurrentValue.HistoryMaxAge;
        _sweep = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Gets how many rooms have a history on this server.</summary>
    public int RoomCount => _rooms.Count;

    /// <summary>Gets whether broadcasts are kept as bytes (every hub protocol is JSON) rather than as objects.</summary>
    public bool KeepsBytes { get; }

    /// <summary>
    /// Numbers and keeps <paramref name="broadcast"/> and returns it with the room still held (see
    /// <see cref="NumberedBroadcast"/>): the caller hands it on, then disposes the hold, and must not block meanwhile.
    /// </summary>
    public NumberedBroadcast Number(string room, OutgoingBroadcast broadcast)
    {
        // Serialized before the lock (and before a number is taken), so a payload that cannot be serialized fails
        // the broadcast without leaving a gap in the room's positions.
        var stored = KeepsBytes ? StoredEnvelopeSerializer.SerializeToScratch(broadcast, _dataOptions) : default;
        var now = _time.GetTimestamp();
        var log = GetOrAddLog(room, now);
        var bounds = _bounds.Of(room);
        Monitor.Enter(log);
        try
        {
            var seq = ++log.LastSeq;
            log.Entries.Add(seq, now, broadcast, stored);
            log.LastAppend = now;
            Trim(log, bounds, now);
            return new NumberedBroadcast(broadcast.ToEnvelope(room, seq, log.Epoch), log);
        }
        catch
        {
            Monitor.Exit(log);
            throw;
        }
    }

    public ValueTask<RoomPosition?> PositionAsync(string room, CancellationToken cancellationToken)
    {
        var log = GetOrAddLog(room, _time.GetTimestamp());
        lock (log)
        {
            // Read under the room's lock, which a broadcast holds from its number until it is handed to the senders
            // (NumberedBroadcast): a broadcast numbered after this read reaches every connection already in the room's groups.
            return ValueTask.FromResult<RoomPosition?>(new RoomPosition(room, log.Epoch, log.LastSeq));
        }
    }

    public ValueTask<HistoryRead> ReadAfterAsync(string room, string epoch, long afterSeq, CancellationToken cancellationToken)
    {
        if (!_rooms.TryGetValue(room, out var log))
        {
            return ValueTask.FromResult(HistoryRead.Lost);
        }

        lock (log)
        {
            Trim(log, _bounds.Of(room), _time.GetTimestamp());
            if (!string.Equals(epoch, log.Epoch, StringComparison.Ordinal) || afterSeq > log.LastSeq)
            {
                return ValueTask.FromResult(HistoryRead.Lost);
            }

            var oldestKept = log.Entries.TryPeekOldest(out var oldest, out _) ? oldest : log.LastSeq + 1;
            if (oldestKept > afterSeq + 1)
            {
                return ValueTask.FromResult(HistoryRead.Lost);
            }

            var missed = log.Entries.ReadAfter(afterSeq, room, log.Epoch);
            return ValueTask.FromResult(new HistoryRead(true, missed));
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>A new room counts as appended to now, so the sweep keeps a room created by a position read as long as a used one.</summary>
    private RoomLog GetOrAddLog(string room, long now) =>
        _rooms.GetOrAdd(room, static (_, state) => new RoomLog(state.KeepsBytes) { LastAppend = state.Now }, (KeepsBytes, Now: now));

    private void Trim(RoomLog log, HistoryBounds bounds, long now)
    {
        while (log.Entries.Count > bounds.MaxMessages ||
               (log.Entries.TryPeekOldest(out _, out var at) && _time.GetElapsedTime(at, now) > bounds.MaxAge))
        {
            log.Entries.RemoveOldest();
        }
    }

    /// <summary>Forgets rooms idle for longer than the history is kept (and a minute), so rooms of the past cost nothing.</summary>
    private void Sweep()
    {
        var now = _time.GetTimestamp();
        var maxAge = _bounds.LongestAge + ForgetMargin;
        foreach (var (room, log) in _rooms)
        {
            lock (log)
            {
                if (_time.GetElapsedTime(log.LastAppend, now) > maxAge)
                {
                    _rooms.TryRemove(new KeyValuePair<string, RoomLog>(room, log));
                }
            }
        }
    }

    private sealed class RoomLog(bool keepBytes)
    {
        public string Epoch { get; } = RoomEpochs.New();

        public long LastSeq { get; set; }

        public long LastAppend { get; set; }

        public RoomBuffer Entries { get; } = keepBytes ? new ByteRoomBuffer() : new ObjectRoomBuffer();
    }
}
