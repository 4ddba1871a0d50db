-- Shared by the state scripts: StateScripts puts it before each of them, so how a key leaves a room is written once.

-- Redis's clock in Unix milliseconds: the one clock every server's time-to-live is measured by.
local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Records the removal of a key as the room's next version, with its tombstone; returns that version. At most max
-- tombstones are kept: a client holding a version below the oldest dropped one gets the whole state.
local function tombstone(meta, changes, removed, key, max)
  local version = redis.call('HINCRBY', meta, 'version', 1)
  redis.call('ZADD', changes, version, key)
  redis.call('ZADD', removed, version, key)
  while redis.call('ZCARD', removed) > max do
    local oldest = redis.call('ZPOPMIN', removed)
    redis.call('ZREM', changes, oldest[1])
    redis.call('HSET', meta, 'floor', oldest[2])
  end
  return version
end

-- Removes the keys whose time-to-live ended by now, each as a removal (versioned, tombstoned, published as
-- head .. epoch \n version \n r \n key \n); returns the milliseconds until the next one is due, or -1 when none is.
local function expireDue(meta, values, changes, removed, expiries, max, now, epoch, command, channel, head)
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', expiries, '-inf', now)) do
    redis.call('ZREM', expiries, key)
    if redis.call('HDEL', values, key) == 1 then
      local version = tombstone(meta, changes, removed, key, max)
      redis.call(command, channel, head .. epoch .. '\n' .. version .. '\nr\n' .. key .. '\n')
    end
  end
  local due = redis.call('ZRANGE', expiries, 0, 0, 'WITHSCORES')
  return #due == 0 and -1 or tonumber(due[2]) - now
end

