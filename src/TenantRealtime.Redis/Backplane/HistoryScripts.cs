namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// The Lua scripts of the Redis history. Each runs atomically on the shard holding the room (its keys and its
/// organization's channel share a hash tag), so numbering, keeping and publishing a broadcast is one step that no
/// other server can interleave with.
/// </summary>
internal static class HistoryScripts
{
    /// <summary>
    /// KEYS: meta hash, stream. ARGV: candidate epoch, max entries, TTL (ms), event name, envelope JSON, timestamp (ms),
    /// publish command (<c>PUBLISH</c> or <c>SPUBLISH</c>), channel, message head, broadcast id, retry (<c>1</c> when an
    /// earlier attempt may have run). Returns <c>{epoch, seq}</c>.
    /// </summary>
    /// <remarks>
    /// Numbering, keeping and publishing are one atomic step, so per room the publish order is the seq order whichever
    /// servers broadcast. On Redis Cluster the channel carries the keys' hash tag, so SPUBLISH goes out from the shard
    /// that ran the script. A missing hash means the room's history is gone (never written, expired, or Redis lost its
    /// data): the room starts a new epoch at seq 1, and a stream left behind (evicted separately) is dropped so ids
    /// start over. Ids are <c>{seq}-0</c>, so XRANGE reads by sequence number; MAXLEN trims
    /// exactly to the window. A retry first looks for its id among the kept entries (newest first): when an earlier
    /// attempt ran and only its reply was lost, it returns that seq and publishes nothing, so no broadcast is numbered
    /// twice. Every append renews the TTL of both keys, so a room idle for longer than the history is
    /// kept costs nothing.
    /// </remarks>
    public const string Append = """
        local epoch = redis.call('HGET', KEYS[1], 'epoch')
        if epoch and ARGV[11] == '1' then
          for _, entry in ipairs(redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[2])) do
            local fields = entry[2]
            for f = 1, #fields, 2 do
              if fields[f] == 'i' and fields[f + 1] == ARGV[10] then
                return {epoch, tonumber(string.sub(entry[1], 1, string.find(entry[1], '-', 1, true) - 1))}
              end
            end
          end
        end
        if not epoch then
          epoch = ARGV[1]
          redis.call('DEL', KEYS[2])
          redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
        end
        local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
        redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 'e', ARGV[4], 'p', ARGV[5], 't', ARGV[6], 'i', ARGV[10])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call(ARGV[7], ARGV[8], ARGV[9] .. epoch .. '\n' .. seq .. '\n' .. ARGV[5])
        return {epoch, seq}
        """;

    /// <summary>
    /// KEYS: meta hash, stream. ARGV: first id to read (<c>afterSeq + 1</c>), max entries.
    /// Returns <c>false</c> when the room has no history, else <c>{epoch, lastSeq, entries}</c>.
    /// </summary>
    public const string Read = """
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
        if not meta[1] then
          return false
        end
        return {meta[1], meta[2], redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])}
        """;

    /// <summary>
    /// KEYS: meta hash, stream. ARGV: candidate epoch, TTL (ms). Returns the room's <c>{epoch, seq}</c>, creating its
    /// history at seq 0 in the candidate epoch when the hash is missing.
    /// </summary>
    /// <remarks>
    /// The creation is what <see cref="Append"/> does for a missing hash, without the first broadcast: a stream left
    /// behind is dropped (its ids would be above the next seq), and the hash gets the history's TTL, so the next append
    /// numbers 1 in this epoch and a client at <c>{epoch, 0}</c> resumes it. An existing hash is only read: a position
    /// does not keep a room's history alive, broadcasts do.
    /// </remarks>
    public const string Position = """
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
        if meta[1] then
          return {meta[1], tonumber(meta[2])}
        end
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'seq', 0)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return {ARGV[1], 0}
        """;

    /// <summary>
    /// KEYS: meta hash, stream. ARGV: new epoch, TTL (ms). Starts the room over in a new epoch at seq 0: a server gave
    /// up broadcasts to it that it had accepted, so the old epoch has a hole no client may resume across.
    /// </summary>
    public const string Reset = """
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'seq', 0)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;
}
