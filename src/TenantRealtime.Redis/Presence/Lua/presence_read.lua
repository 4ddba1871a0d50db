-- Lists one presence scope's online users with their connections over the live servers.
-- KEYS: the scope's online hash, then the shares of this server and the other live servers.
-- ARGV: scope name, max users listed.
-- Returns {count} when more than the max are online, else {count, user, entry, connections, ...}.
local count = redis.call('HLEN', KEYS[1])
if count > tonumber(ARGV[2]) then
  return {count}
end
local online = redis.call('HGETALL', KEYS[1])
local out = {count}
for i = 1, #online, 2 do
  local field, total = ARGV[1] .. '|' .. online[i], 0
  for s = 2, #KEYS do
    total = total + (tonumber(redis.call('HGET', KEYS[s], field)) or 0)
  end
  out[#out + 1] = online[i]
  out[#out + 1] = online[i + 1]
  out[#out + 1] = total
end
return out
