-- Reads a room's kept broadcasts after a position.
-- KEYS: meta hash, stream. ARGV: first id to read (afterSeq + 1), max entries.
-- Returns false when the room has no history, else {epoch, lastSeq, entries}.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if not meta[1] then
  return false
end
return {meta[1], meta[2], redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])}
