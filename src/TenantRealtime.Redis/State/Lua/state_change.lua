-- Sets or removes one key of a room's state, gives the change the room's next state version and publishes it on the
-- organization's channel, in one step, so every server (and every shard of a Redis Cluster) sees one order per room.
-- KEYS: meta hash (epoch, version, floor), values hash (key -> value JSON), changes sorted set (key -> version of its
--       last change, live or removed), removed sorted set (tombstones: key -> version of its removal), expiries sorted
--       set (key -> when its time-to-live ends, Unix ms by Redis's clock). One hash slot.
-- ARGV: candidate epoch, key, op ('s' set, 'r' remove), value JSON (empty for a removal), max keys per room,
--       publish command (PUBLISH or SPUBLISH), channel, message head, time-to-live in ms (0: none), expiry message head.
-- A set with a time-to-live records when it ends (state_expire.lua removes it then) and publishes an expiry message
-- (its head, then the time-to-live in ms), so every server mirroring the room schedules a sweep; a set without one, or
-- a removal, clears it.
-- Returns {epoch, version}: version > 0 for a change made and published, 0 for a removal of a key the room does not
-- hold (nothing published), -1 when the key is new and the room already holds max keys (nothing changed).
-- Keys whose time-to-live has ended are removed first (as state_expire.lua does), so they never hold a place.
-- A missing meta hash means the room's state is gone (never written, or Redis lost its data): the room starts a new
-- epoch at version 0 and anything left of its other keys is dropped.
local meta, values, changes, removed, expiries = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local key, op, max, ttl = ARGV[2], ARGV[3], tonumber(ARGV[5]), tonumber(ARGV[9])
local now = nowMs()
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', values, changes, removed, expiries)
  redis.call('HSET', meta, 'epoch', epoch, 'version', 0, 'floor', 0)
else
  -- Keys whose time-to-live has ended go first (published before this change): they no longer count toward max.
  expireDue(meta, values, changes, removed, expiries, max, now, epoch, ARGV[6], ARGV[7], ARGV[8])
end
if op == 's' then
  if redis.call('HEXISTS', values, key) == 0 and redis.call('HLEN', values) >= max then
    return {epoch, -1}
  end
  redis.call('HSET', values, key, ARGV[4])
  redis.call('ZREM', removed, key)
else
  if redis.call('HDEL', values, key) == 0 then
    return {epoch, 0}
  end
end
if op == 's' and ttl > 0 then
  redis.call('ZADD', expiries, now + ttl, key)
else
  redis.call('ZREM', expiries, key)
end
local version
if op == 's' then
  version = redis.call('HINCRBY', meta, 'version', 1)
  redis.call('ZADD', changes, version, key)
else
  version = tombstone(meta, changes, removed, key, max)
end
redis.call(ARGV[6], ARGV[7], ARGV[8] .. epoch .. '\n' .. version .. '\n' .. op .. '\n' .. key .. '\n' .. ARGV[4])
if op == 's' and ttl > 0 then
  redis.call(ARGV[6], ARGV[7], ARGV[10] .. ttl)
end
return {epoch, version}
