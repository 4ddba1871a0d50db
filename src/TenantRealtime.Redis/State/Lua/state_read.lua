-- Reads a room's state: the keys changed and removed after a version the client holds, or the whole state when that
-- version cannot be answered (another epoch, a version the room never reached, or older than a dropped tombstone).
-- KEYS: meta hash, values hash, changes sorted set, removed sorted set, expiries sorted set (as state_change.lua; one
--       hash slot).
-- ARGV: candidate epoch, the client's epoch (empty: the whole state), the client's version, fill milliseconds (0: the
--       app has no state loader), max keys per room, publish command (PUBLISH or SPUBLISH), channel, message head.
-- Returns {epoch, version, full (1 or 0), {key1, value1, key2, value2, ...}, {removed keys}, fill, filled, next due}:
-- fill is 1 when this call created the epoch and the caller must fill it (state_fill.lua), 2 while another caller
-- fills it (read again soon), else 0; filled is 1 when the app's loader filled this epoch; next due is the milliseconds
-- until the room's next key with a time-to-live ends (-1: none), for the caller to sweep it then (state_expire.lua).
-- Keys whose time-to-live has ended are removed first, as state_expire.lua removes them (versioned and published), so a
-- read never returns one even when no server has swept the room yet.
-- A room without state (its meta hash missing: never written, or Redis lost its data) is created empty at version 0
-- of the candidate epoch, so its first change is version 1 of that epoch and a client holding {epoch, 0} follows it.
-- With a loader it is marked as filling until Redis's clock passes now + fill milliseconds: one caller of all fills it.
local meta, values, changes, removed, expiries = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now = nowMs()
local current = redis.call('HGET', meta, 'epoch')
local nextDue = -1
if current then
  nextDue = expireDue(meta, values, changes, removed, expiries, tonumber(ARGV[5]), now, current, ARGV[6], ARGV[7], ARGV[8])
end
local read = redis.call('HMGET', meta, 'epoch', 'version', 'floor', 'filling', 'filled')
local epoch, version, floor = read[1], tonumber(read[2]), tonumber(read[3])
local fill, filled = 0, read[5] and 1 or 0
if not epoch then
  epoch, version, floor, nextDue = ARGV[1], 0, 0, -1
  redis.call('DEL', values, changes, removed, expiries)
  redis.call('HSET', meta, 'epoch', epoch, 'version', 0, 'floor', 0)
  if tonumber(ARGV[4]) > 0 then
    redis.call('HSET', meta, 'filling', now + tonumber(ARGV[4]))
    fill = 1
  end
elseif read[4] then
  if tonumber(read[4]) > now then
    fill = 2
  else
    -- Its filler never finished (gone, or Redis did not take its fill in time): the room stays as it is.
    redis.call('HDEL', meta, 'filling')
  end
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
  return {epoch, version, 0, set, gone, fill, filled, nextDue}
end
return {epoch, version, 1, redis.call('HGETALL', values), {}, fill, filled, nextDue}
