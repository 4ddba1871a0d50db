-- Removes a room's keys whose time-to-live has ended by Redis's clock, each as state_change.lua removes a key: the
-- room's next version, a bounded tombstone, and the removal published on the organization's channel. Idempotent: any
-- server may run it any number of times (a key removed already, or set again since, is no longer due).
-- KEYS: meta hash, values hash, changes sorted set, removed sorted set, expiries sorted set (as state_change.lua).
-- ARGV: max keys per room (the tombstone bound), publish command (PUBLISH or SPUBLISH), channel, message head.
-- Returns the milliseconds until the room's next key is due, or -1 when no key has a time-to-live.
-- state_read.lua runs the same removal first, so a read never returns a key whose time-to-live has ended.
local meta, values, changes, removed, expiries = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  -- The room's state is gone: nothing left to expire.
  redis.call('DEL', expiries)
  return -1
end
return expireDue(meta, values, changes, removed, expiries, tonumber(ARGV[1]), nowMs(), epoch, ARGV[2], ARGV[3], ARGV[4])
