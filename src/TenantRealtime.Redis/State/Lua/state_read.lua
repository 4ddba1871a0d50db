-- Reads a room's state: the keys changed and removed after a version the client holds, or the whole state when that
-- version cannot be answered (another epoch, a version the room never reached, or older than a dropped tombstone).
-- KEYS: meta hash, values hash, changes sorted set, removed sorted set (as state_change.lua; one hash slot).
-- ARGV: candidate epoch, the client's epoch (empty: the whole state), the client's version.
-- Returns {epoch, version, full (1 or 0), {key1, value1, key2, value2, ...}, {removed keys}}.
-- A room without state (its meta hash missing: never written, or Redis lost its data) is created empty at version 0
-- of the candidate epoch, so its first change is version 1 of that epoch and a client holding {epoch, 0} follows it.
local meta, values, changes = KEYS[1], KEYS[2], KEYS[3]
local read = redis.call('HMGET', meta, 'epoch', 'version', 'floor')
local epoch, version, floor = read[1], tonumber(read[2]), tonumber(read[3])
if not epoch then
  epoch, version, floor = ARGV[1], 0, 0
  redis.call('DEL', values, changes, KEYS[4])
  redis.call('HSET', meta, 'epoch', epoch, 'version', 0, 'floor', 0)
end
local held = tonumber(ARGV[3])
if ARGV[2] == epoch and held and held >= floor and held <= version then
  local set, gone = {}, {}
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', changes, '(' .. held, '+inf')) do
    local value = redis.call('HGET', values, key)
    if value then
      set[#set + 1] = key
      set[#set + 1] = value
    else
      gone[#gone + 1] = key
    end
  end
  return {epoch, version, 0, set, gone}
end
return {epoch, version, 1, redis.call('HGETALL', values), {}}
