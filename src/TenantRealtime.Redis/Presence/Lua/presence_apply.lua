-- Writes this server's presence share and decides, once, who comes and goes; publishes the events on the
-- organization's channel in the order they were decided. Keys are spelled in RedisKeys.
-- KEYS: scopes set, gate hash, this server's share, the other live servers' shares (m), then per scope its online
--       and pending hashes.
-- ARGV: now (ms), now (ISO-8601), m, scope count k, events per second, max users listed, publish command, channel,
--       organization id, share TTL (ms); per scope its name, tenant id (empty for none), topic name (empty for an
--       organization or a tenant) and message head;
--       then operations of six values: kind, scope index, user, connections, online since (ISO-8601), display name.
--       Kinds: 'a' sets this server's connections of the user (0: none); 'c' lets the user leave if no live server
--       has it any more; 'r' does that for every user of the scope (a server died); 'f' only sends what waits.
-- Every scope named then sends its waiting changes if its bucket allows: a left and a joined event at most.
-- Returns four numbers per scope: joined events sent, left events sent, changes left waiting, and when to try
-- again (ms; 0 when nothing waits).
local now, iso = tonumber(ARGV[1]), ARGV[2]
local m, k = tonumber(ARGV[3]), tonumber(ARGV[4])
local perSecond, maxUsers = tonumber(ARGV[5]), tonumber(ARGV[6])
local command, channel, organization, shareTtl = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local lastShare = 3 + m
local scopes = {}
for j = 1, k do
  local a = 11 + (j - 1) * 4
  scopes[j] = {name = ARGV[a], tenant = ARGV[a + 1], topic = ARGV[a + 2], head = ARGV[a + 3],
               online = KEYS[lastShare + 2 * j - 1], pending = KEYS[lastShare + 2 * j], changed = 0}
end

local function connections(scope, user)
  local field, total = scope.name .. '|' .. user, 0
  for s = 3, lastShare do
    total = total + (tonumber(redis.call('HGET', KEYS[s], field)) or 0)
  end
  return total
end

local function queue(scope, user, change)
  redis.call('HSET', scope.pending, user, change)
  redis.call('SADD', KEYS[1], scope.name)
  scope.changed = scope.changed + 1
end

local function leaveIfGone(scope, user)
  local entry = redis.call('HGET', scope.online, user)
  if entry and connections(scope, user) == 0 then
    redis.call('HDEL', scope.online, user)
    queue(scope, user, 'l' .. entry)
  end
end

local wrote = false
for o = 11 + k * 4, #ARGV, 6 do
  local kind, scope, user = ARGV[o], scopes[tonumber(ARGV[o + 1])], ARGV[o + 2]
  if kind == 'a' then
    local count = tonumber(ARGV[o + 3])
    wrote = true
    if count > 0 then
      redis.call('HSET', KEYS[3], scope.name .. '|' .. user, count)
      if redis.call('HEXISTS', scope.online, user) == 0 then
        redis.call('HSET', scope.online, user, ARGV[o + 4] .. '\n' .. ARGV[o + 5])
        queue(scope, user, 'j')
      end
    else
      redis.call('HDEL', KEYS[3], scope.name .. '|' .. user)
    end
  elseif kind == 'c' then
    leaveIfGone(scope, user)
  elseif kind == 'r' then
    for _, member in ipairs(redis.call('HKEYS', scope.online)) do
      leaveIfGone(scope, member)
    end
  end
end
if wrote and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('PEXPIRE', KEYS[3], shareTtl)
end

local function user(name, entry, count)
  local nl = string.find(entry, '\n', 1, true)
  local displayName = string.sub(entry, nl + 1)
  if displayName == '' then displayName = cjson.null end
  return cjson.encode({userId = name, displayName = displayName, connections = count, onlineSince = string.sub(entry, 1, nl - 1)})
end

local function publish(scope, kind, users, count)
  local countsOnly = count > maxUsers
  local tenant, topic, kindOfScope = '', '', 'organization'
  if scope.tenant ~= '' then tenant = ',"tenantId":' .. cjson.encode(scope.tenant); kindOfScope = 'tenant' end
  if scope.topic ~= '' then topic = ',"topic":' .. cjson.encode(scope.topic); kindOfScope = 'topic' end
  local listed = ''
  if not countsOnly then listed = table.concat(users, ',') end
  local envelope = '{"type":"' .. kind .. '","data":{"users":[' .. listed .. '],"userCount":' .. count ..
    ',"countsOnly":' .. tostring(countsOnly) .. '},"timestamp":' .. cjson.encode(iso) ..
    ',"scope":"' .. kindOfScope .. '","organizationId":' .. cjson.encode(organization) .. tenant .. topic .. '}'
  redis.call(command, channel, scope.head .. '\n0\n' .. envelope)
end

local result = {}
local interval = 1000 / perSecond
local slack = (perSecond - 1) * interval
for j = 1, k do
  local scope = scopes[j]
  local joinedSent, leftSent, waiting, retryAt = 0, 0, 0, 0
  local pending = redis.call('HGETALL', scope.pending)
  if #pending > 0 then
    local fullAt = tonumber(redis.call('HGET', KEYS[2], scope.name)) or 0
    if fullAt - now > slack then
      waiting = scope.changed
      retryAt = math.ceil(fullAt - slack)
    else
      redis.call('DEL', scope.pending)
      local count = redis.call('HLEN', scope.online)
      local joined, left = {}, {}
      for p = 1, #pending, 2 do
        local name, change = pending[p], pending[p + 1]
        if string.sub(change, 1, 1) == 'l' then
          left[#left + 1] = user(name, string.sub(change, 2), 0)
        else
          local entry = redis.call('HGET', scope.online, name)
          if entry then joined[#joined + 1] = user(name, entry, connections(scope, name)) end
        end
      end
      if #left > 0 then publish(scope, 'left', left, count); leftSent = 1 end
      if #joined > 0 then publish(scope, 'joined', joined, count); joinedSent = 1 end
      redis.call('HSET', KEYS[2], scope.name, math.max(fullAt, now) + (joinedSent + leftSent) * interval)
      redis.call('PEXPIRE', KEYS[2], 10000)
    end
  end
  if redis.call('EXISTS', scope.online) == 0 and redis.call('EXISTS', scope.pending) == 0 then
    redis.call('SREM', KEYS[1], scope.name)
  end
  result[#result + 1] = joinedSent
  result[#result + 1] = leftSent
  result[#result + 1] = waiting
  result[#result + 1] = retryAt
end
return result
