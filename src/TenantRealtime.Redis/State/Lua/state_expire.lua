-- Removes a room's keys whose time-to-live has ended by Redis's clock, each as state_change.lua removes a key: the
-- room's next version, a bounded tombstone, and the removal published on the organization's channel. Idempotent: any
-- server may run it any number of times (a key removed already, or set again since, is no longer due).
-- KEYS: meta hash, values hash, changes sorted set, removed sorted set, expiries sorted set (as state_change.lua).
-- ARGV: max keys per room (the tombstone bound), publish command (PUBLISH or SPUBLISH), channel, message head.
-- Returns the milliseconds until the room's next key is due, or -1 when no key has a time-to-live.
-- state_read.lua runs the same removal first, so a read never returns a key whose time-to-live has ended.
local meta, values, changes, removed, expiries = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local max = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  -- The room's state is gone: nothing left to expire.
  redis.call('DEL', expiries)
  return -1
end
for _, key in ipairs(redis.call('ZRANGEBYSCORE', expiries, '-inf', now)) do
  redis.call('ZREM', expiries, key)
  if redis.call('HDEL', values, key) == 1 then
    local version = redis.call('HINCRBY', meta, 'version', 1)
    redis.call('ZADD', changes, version, key)
    redis.call('ZADD', removed, version, key)
    while redis.call('ZCARD', removed) > max do
      local oldest = redis.call('ZPOPMIN', removed)
      redis.call('ZREM', changes, oldest[1])
      redis.call('HSET', meta, 'floor', oldest[2])
    end
    redis.call(ARGV[2], ARGV[3], ARGV[4] .. epoch .. '\n' .. version .. '\nr\n' .. key .. '\n')
  end
end
local next = redis.call('ZRANGE', expiries, 0, 0, 'WITHSCORES')
if #next == 0 then
  return -1
end
return tonumber(next[2]) - now
