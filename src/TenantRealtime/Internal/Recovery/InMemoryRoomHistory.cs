using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TenantRealtime.Internal.Broadcasting;

namespace TenantRealtime.Internal.Recovery;

/// <summary>
/// This server's history: per room a counter and a bounded list of kept broadcasts (count and age), kept as the
/// bytes <see cref="StoredEnvelope"/> writes, as the Redis history keeps them. Each room has its own random epoch, so
/// a room forgotten after being idle (or a restart) can never be mistaken for its former self.
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
    private readonly IOptionsMonitor<TenantRealtimeOptions> _options;
    private readonly JsonSerializerOptions _dataOptions;
    private readonly ITimer _sweep;

    public InMemoryRoomHistory(TimeProvider time, IOptionsMonitor<TenantRealtimeOptions> options, IOptions<JsonHubProtocolOptions> json)
    {
        _time = time;
        _options = options;
        _dataOptions = json.Value.PayloadSerializerOptions;
        var period = options.CurrentValue.HistoryMaxAge;
        _sweep = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Gets how many rooms have a history on this server.</summary>
    public int RoomCount => _rooms.Count;

    public ValueTask<TenantEnvelope> AppendAsync(string room, EnvelopeDraft draft, CancellationToken cancellationToken)
    {
        // Serialized before the lock (and before a number is taken), so a payload that cannot be serialized fails
        // the broadcast without leaving a gap in the room's positions.
        var stored = StoredEnvelope.SerializeToScratch(draft, _dataOptions);
        var log = _rooms.GetOrAdd(room, static _ => new RoomLog());
        var now = _time.GetTimestamp();
        var options = _options.CurrentValue;
        long seq;
        lock (log)
        {
            seq = ++log.LastSeq;
            log.Entries.Add(seq, now, draft.EventName, stored);
            log.LastAppend = now;
            Trim(log, options, now);
        }

        return ValueTask.FromResult(draft.ToEnvelope(room, seq, log.Epoch));
    }

    public ValueTask<HistoryRead> ReadAfterAsync(string room, string epoch, long afterSeq, CancellationToken cancellationToken)
    {
        if (!_rooms.TryGetValue(room, out var log))
        {
            return ValueTask.FromResult(HistoryRead.Lost);
        }

        lock (log)
        {
            Trim(log, _options.CurrentValue, _time.GetTimestamp());
            if (!string.Equals(epoch, log.Epoch, StringComparison.Ordinal) || afterSeq > log.LastSeq)
            {
                return ValueTask.FromResult(HistoryRead.Lost);
            }

            var oldestKept = log.Entries.TryPeekOldest(out var oldest, out _) ? oldest : log.LastSeq + 1;
            if (oldestKept > afterSeq + 1)
            {
                return ValueTask.FromResult(HistoryRead.Lost);
            }

            var epochOfRoom = log.Epoch;
            var missed = log.Entries.ReadAfter(afterSeq, (seq, eventName, json) => new HistoryEntry(eventName, StoredEnvelope.Deserialize(json, room, seq, epochOfRoom)));
            return ValueTask.FromResult(new HistoryRead(true, missed));
        }
    }

    public void Dispose() => _sweep.Dispose();

    private void Trim(RoomLog log, TenantRealtimeOptions options, long now)
    {
        while (log.Entries.Count > options.HistoryMaxMessages ||
               (log.Entries.TryPeekOldest(out _, out var at) && _time.GetElapsedTime(at, now) > options.HistoryMaxAge))
        {
            log.Entries.RemoveOldest();
        }
    }

    /// <summary>Forgets rooms idle for longer than the history is kept (and a minute), so rooms of the past cost nothing.</summary>
    private void Sweep()
    {
        var now = _time.GetTimestamp();
        var maxAge = _options.CurrentValue.HistoryMaxAge + ForgetMargin;
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

    private sealed class RoomLog
    {
        public string Epoch { get; } = RoomEpochs.New();

        public long LastSeq { get; set; }

        public long LastAppend { get; set; }

        public KeptBroadcasts Entries { get; } = new();
    }
}
