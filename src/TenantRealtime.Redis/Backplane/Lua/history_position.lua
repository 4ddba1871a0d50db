-- A room's position, creating its history at seq 0 in the candidate epoch when the meta hash is missing (as
-- history_append.lua does, without the first broadcast). An existing hash is only read: broadcasts keep it alive.
-- KEYS: meta hash, stream. ARGV: candidate epoch, TTL (ms). Returns {epoch, seq}.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if meta[1] then
  return {meta[1], tonumber(meta[2])}
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'seq', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {ARGV[1], 0}
