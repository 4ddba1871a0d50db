using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TenantRealtime.Internal.Broadcasting;

namespace TenantRealtime.Internal.Recovery;

/// <summary>
/// This server's history: per room a counter and a bounded queue (count and age). Each room has its own random
/// epoch, so a room forgotten after being idle (or a restart) can never be mistaken for its former self.
/// </summary>
internal sealed class InMemoryRoomHistory : IRoomHistory, IDisposable
{
    private readonly ConcurrentDictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<TenantRealtimeOptions> _options;
    private readonly ITimer _sweep;

    public InMemoryRoomHistory(TimeProvider time, IOptionsMonitor<TenantRealtimeOptions> options)
    {
        _time = time;
        _options = options;
        var period = options.CurrentValue.HistoryMaxAge;
        _sweep = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Gets how many rooms have a history on this server.</summary>
    public int RoomCount => _rooms.Count;

    public ValueTask<TenantEnvelope> AppendAsync(string room, EnvelopeDraft draft, CancellationToken cancellationToken)
    {
        var log = _rooms.GetOrAdd(room, static _ => new RoomLog());
        var now = _time.GetTimestamp();
        var options = _options.CurrentValue;
        long seq;
        lock (log)
        {
            seq = ++log.LastSeq;
            log.Entries.Enqueue(new Kept(seq, now, draft));
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

            var oldestKept = log.Entries.TryPeek(out var oldest) ? oldest.Seq : log.LastSeq + 1;
            if (oldestKept > afterSeq + 1)
            {
                return ValueTask.FromResult(HistoryRead.Lost);
            }

            List<HistoryEntry> missed = [.. log.Entries.Where(k => k.Seq > afterSeq).Select(k => new HistoryEntry(k.Draft.EventName, k.Draft.ToEnvelope(room, k.Seq, log.Epoch)))];
            return ValueTask.FromResult(new HistoryRead(true, missed));
        }
    }

    public void Dispose() => _sweep.Dispose();

    private void Trim(RoomLog log, TenantRealtimeOptions options, long now)
    {
        while (log.Entries.Count > options.HistoryMaxMessages ||
               (log.Entries.TryPeek(out var oldest) && _time.GetElapsedTime(oldest.At, now) > options.HistoryMaxAge))
        {
            log.Entries.Dequeue();
        }
    }

    /// <summary>Forgets rooms idle for longer than the history is kept, so rooms of the past cost nothing.</summary>
    private void Sweep()
    {
        var now = _time.GetTimestamp();
        var maxAge = _options.CurrentValue.HistoryMaxAge;
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

    // The draft, not the envelope sent: a struct in the queue whose only references are the caller's data and ids.
    // Under heavy load each kept envelope (and its timestamp string) would survive into the older GC generations;
    // the replayed envelope is rebuilt from the draft and spells the same bytes.
    private readonly record struct Kept(long Seq, long At, EnvelopeDraft Draft);

    private sealed class RoomLog
    {
        public string Epoch { get; } = RoomEpochs.New();

        public long LastSeq { get; set; }

        public long LastAppend { get; set; }

        public Queue<Kept> Entries { get; } = new();
    }
}
