-- Fills a room's new epoch with the values the app's state loader gave, as the one caller state_read.lua told to:
-- each key is one change (the room's next version), published as state_change.lua publishes it, so servers mirroring
-- the room apply it live. A key written since the epoch began keeps its written value (it is newer), and the room's
-- key bound holds. Then the room is no longer filling, and marked filled when the loader gave values.
-- KEYS: meta hash, values hash, changes sorted set, removed sorted set (as state_change.lua; one hash slot).
-- ARGV: the epoch to fill, filled (1: the loader gave values, 0: it had none), max keys per room, publish command
--       (PUBLISH or SPUBLISH), channel, message head, then key1, value1 JSON, key2, value2 JSON, ...
-- Returns the room's version after the fill, or -1 when the epoch is not filling any more (another epoch began, or
-- its deadline passed and a reader gave up on it): nothing changed.
local meta, values, changes = KEYS[1], KEYS[2], KEYS[3]
local read = redis.call('HMGET', meta, 'epoch', 'filling')
if read[1] ~= ARGV[1] or not read[2] then
  return -1
end
local epoch, max = ARGV[1], tonumber(ARGV[3])
for i = 7, #ARGV, 2 do
  local key, value = ARGV[i], ARGV[i + 1]
  if not redis.call('ZSCORE', changes, key) and redis.call('HLEN', values) < max then
    redis.call('HSET', values, key, value)
    local version = redis.call('HINCRBY', meta, 'version', 1)
    redis.call('ZADD', changes, version, key)
    redis.call(ARGV[4], ARGV[5], ARGV[6] .. epoch .. '\n' .. version .. '\n' .. 's\n' .. key .. '\n' .. value)
  end
end
redis.call('HDEL', meta, 'filling')
if ARGV[2] == '1' then
  redis.call('HSET', meta, 'filled', 1)
end
return tonumber(redis.call('HGET', meta, 'version'))
