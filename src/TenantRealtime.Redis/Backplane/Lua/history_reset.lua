-- Starts a room over in a new epoch at seq 0: a server gave up broadcasts to it that it had accepted.
-- KEYS: meta hash, stream. ARGV: new epoch, TTL (ms). Returns 1. The next append renews both keys' TTL (no 'x').
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'seq', 0)
redis.call('HDEL', KEYS[1], 'x')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
