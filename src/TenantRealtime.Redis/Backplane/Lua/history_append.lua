-- Numbers a broadcast, keeps it in the room's stream and publishes it on its organization's channel, atomically,
-- so per room the publish order is the seq order whichever servers broadcast.
-- KEYS: meta hash, stream.
-- ARGV: candidate epoch, max entries, TTL (ms), event name, envelope JSON, timestamp (ms), publish command
--       (PUBLISH or SPUBLISH), channel, message head, broadcast id, retry ('1' when an earlier attempt may have run).
-- Returns {epoch, seq}. A retry whose earlier attempt ran (reply lost) gets that seq back and publishes nothing.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch and ARGV[11] == '1' then
  for _, entry in ipairs(redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[2])) do
    local fields = entry[2]
    for f = 1, #fields, 2 do
      if fields[f] == 'i' and fields[f + 1] == ARGV[10] then
        return {epoch, tonumber(string.sub(entry[1], 1, string.find(entry[1], '-', 1, true) - 1))}
      end
    end
  end
end
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 'e', ARGV[4], 'p', ARGV[5], 't', ARGV[6], 'i', ARGV[10])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call(ARGV[7], ARGV[8], ARGV[9] .. epoch .. '\n' .. seq .. '\n' .. ARGV[5])
return {epoch, seq}
