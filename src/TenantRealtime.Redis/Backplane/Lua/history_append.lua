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
local result = {}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i = 1, #KEYS / 2 do
  local meta, stream, a = KEYS[2 * i - 1], KEYS[2 * i], 4 + 8 * (i - 1)
  local read = redis.call('HMGET', meta, 'epoch', 'x')
  local epoch, renewed = read[1], tonumber(read[2])
  local seq
  if epoch and ARGV[a + 6] == '1' then
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
    if not epoch then
      epoch = ARGV[4]
      redis.call('DEL', stream)
      redis.call('HSET', meta, 'epoch', epoch, 'seq', 0)
    end
    seq = redis.call('HINCRBY', meta, 'seq', 1)
    redis.call('XADD', stream, 'MAXLEN', ARGV[a + 7], seq .. '-0', 'e', ARGV[a + 1], 'p', ARGV[a + 2], 't', ARGV[1], 'i', ARGV[a + 5])
    if not renewed or now - renewed >= tonumber(ARGV[3]) then
      redis.call('PEXPIRE', meta, ARGV[a + 8])
      redis.call('PEXPIRE', stream, ARGV[a + 8])
      redis.call('HSET', meta, 'x', now)
    end
    redis.call(ARGV[2], ARGV[a + 3], ARGV[a + 4] .. epoch .. '\n' .. seq .. '\n' .. ARGV[a + 2])
  end
  result[2 * i - 1] = epoch
  result[2 * i] = seq
end
return result
