-- Numbers a batch of broadcasts (a group commit: what waited while the previous call was in flight), keeps each in
-- its room's stream and publishes it on its organization's channel, in order and atomically, so per room the publish
-- order is the seq order whichever servers broadcast. A batch of one is an ordinary append.
-- KEYS: per broadcast, its room's meta hash and stream (on a Redis Cluster every key shares one hash slot).
-- ARGV: timestamp (ms), publish command (PUBLISH or SPUBLISH), TTL renewal interval (ms), candidate epoch (for rooms
--       that have no history; rooms need not have different epochs), then per broadcast 8 values: event name, envelope
--       JSON, channel, message head, broadcast id, retry ('1' when an earlier attempt may have run), its room's max
--       entries and TTL (ms) (rooms differ: a topic's prefix may set its own history bounds).
-- Returns {epoch1, seq1, epoch2, seq2, ...}. A retry whose earlier attempt ran (reply lost) gets that seq back and
-- publishes nothing.
-- Both keys' TTL is renewed (and the renewal's time kept in the hash's 'x') when the last renewal is older than the
-- interval, not on every broadcast: keys then outlive the age window by at least TTL - interval, by Redis's clock.
-- A room's hash is read once per call, and a room numbered more than once in a call counts on here and writes its
-- seq once at the end (the script runs atomically, so nothing sees it in between): a burst into one room costs Redis
-- a stream append and a publish per broadcast, not four calls; a room numbered once costs what it did.
local result = {}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- Per room of this call: its epoch, the seq it reached here (false until numbered), its last TTL renewal, and whether
-- it counts on here; an array, since a table per room is on every call's path.
local EPOCH, SEQ, RENEWED, COUNTING = 1, 2, 3, 4
local rooms, counted = {}, {}
for i = 1, #KEYS / 2 do
  local meta, stream, a = KEYS[2 * i - 1], KEYS[2 * i], 4 + 8 * (i - 1)
  local room = rooms[meta]
  if not room then
    local read = redis.call('HMGET', meta, 'epoch', 'x')
    room = { read[1], false, tonumber(read[2]) or false, false }
    rooms[meta] = room
  end
  local seq
  if room[EPOCH] and ARGV[a + 6] == '1' then
    for _, entry in ipairs(redis.call('XREVRANGE', stream, '+', '-', 'COUNT', ARGV[a + 7])) do
      local fields = entry[2]
      for f = 1, #fields, 2 do
        if fields[f] == 'i' and fields[f + 1] == ARGV[a + 5] then
          seq = tonumber(string.sub(entry[1], 1, string.find(entry[1], '-', 1, true) - 1))
        end
      end
      if seq then break end
    end
  end
  if not seq then
    if not room[EPOCH] then
      room[EPOCH] = ARGV[4]
      redis.call('DEL', stream)
      redis.call('HSET', meta, 'epoch', room[EPOCH], 'seq', 0)
    end
    if room[SEQ] then
      room[SEQ] = room[SEQ] + 1
      if not room[COUNTING] then
        room[COUNTING] = true
        counted[#counted + 1] = meta
      end
    else
      room[SEQ] = redis.call('HINCRBY', meta, 'seq', 1)
    end
    seq = room[SEQ]
    -- A window of 1,000 or more is trimmed by whole stream nodes ('~': up to a node, 100 entries by default, more is
    -- kept, which a read never serves): once the window is full an append took 0.7x the time of an exact trim's
    -- (session AM). A smaller window is trimmed exactly, where a node would be a large share of it.
    local max = ARGV[a + 7]
    redis.call('XADD', stream, 'MAXLEN', tonumber(max) >= 1000 and '~' or '=', max, seq .. '-0', 'e', ARGV[a + 1], 'p', ARGV[a + 2], 't', ARGV[1], 'i', ARGV[a + 5])
    if not room[RENEWED] or now - room[RENEWED] >= tonumber(ARGV[3]) then
      redis.call('PEXPIRE', meta, ARGV[a + 8])
      redis.call('PEXPIRE', stream, ARGV[a + 8])
      redis.call('HSET', meta, 'x', now)
      room[RENEWED] = now
    end
    redis.call(ARGV[2], ARGV[a + 3], ARGV[a + 4] .. room[EPOCH] .. '\n' .. seq .. '\n' .. ARGV[a + 2])
  end
  result[2 * i - 1] = room[EPOCH]
  result[2 * i] = seq
end
for _, meta in ipairs(counted) do
  redis.call('HSET', meta, 'seq', rooms[meta][SEQ])
end
return result
