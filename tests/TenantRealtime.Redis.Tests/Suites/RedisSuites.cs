using TenantRealtime.Redis.Tests.Infrastructure;
using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Redis.Tests.Suites;

// The shared behaviour suites TenantRealtime.Tests runs in memory, run here across two servers on one Redis:
// clients on one server, broadcasts and revocations from the other.
public sealed class RedisDeliveryMatrixTests(TwoServersOnRedis servers) : DeliveryMatrixTests<TwoServersOnRedis>(servers);

public sealed class RedisIsolationTests(TwoServersOnRedis servers) : IsolationTests<TwoServersOnRedis>(servers);

public sealed class RedisRegistryTests(TwoServersOnRedis servers) : RegistryTests<TwoServersOnRedis>(servers);

public sealed class RedisRevocationTests(TwoServersOnRedis servers) : RevocationTests<TwoServersOnRedis>(servers);

// Refused connects on the receiver while both servers broadcast to everyone.
public sealed class RedisRefusalTests(TwoServersOnRedis servers) : RefusalTests<TwoServersOnRedis>(servers);

// Clients resume on the receiver while the sender numbered the broadcasts: the history is Redis's, not a server's.
public sealed class RedisRecoveryTests(TwoServersOnRedis servers) : RecoveryTests<TwoServersOnRedis>(servers);

// Positions read at connect on one server (the receiver) while the other numbers the broadcasts.
public sealed class RedisPositionTests(TwoServersOnRedis servers) : PositionTests<TwoServersOnRedis>(servers);

// Stalled readers on the receiver while the sender broadcasts: deliveries arriving from another server are bounded too.
public sealed class RedisSlowConsumerTests(TwoServersOnRedis servers) : SlowConsumerTests<TwoServersOnRedis>(servers);

// Stalled readers on the broadcasting server itself, with AddRedis: local delivery is bounded there too.
public sealed class RedisLocalSlowConsumerTests(RedisSingleNode node) : SlowConsumerTests<RedisSingleNode>(node);

// The same suites across two servers on a 3-master Redis Cluster: the room histories, registry hashes and channels
// of one application spread over several masters, so every key and command must work slot by slot.
public sealed class RedisClusterDeliveryMatrixTests(TwoServersOnRedisCluster servers) : DeliveryMatrixTests<TwoServersOnRedisCluster>(servers);

public sealed class RedisClusterIsolationTests(TwoServersOnRedisCluster servers) : IsolationTests<TwoServersOnRedisCluster>(servers);

public sealed class RedisClusterRegistryTests(TwoServersOnRedisCluster servers) : RegistryTests<TwoServersOnRedisCluster>(servers);

public sealed class RedisClusterRevocationTests(TwoServersOnRedisCluster servers) : RevocationTests<TwoServersOnRedisCluster>(servers);

public sealed class RedisClusterRecoveryTests(TwoServersOnRedisCluster servers) : RecoveryTests<TwoServersOnRedisCluster>(servers);

public sealed class RedisClusterPositionTests(TwoServersOnRedisCluster servers) : PositionTests<TwoServersOnRedisCluster>(servers);

public sealed class RedisClusterSlowConsumerTests(TwoServersOnRedisCluster servers) : SlowConsumerTests<TwoServersOnRedisCluster>(servers);

// Presence across two servers: observers on the receiver, the users they watch on the sender; and servers that die.
public sealed class RedisPresenceTests(PresenceServersOnRedis servers) : PresenceTests<PresenceServersOnRedis>(servers);

public sealed class RedisPresenceAcrossServersTests(PresenceServersOnRedis servers) : PresenceAcrossServersTests<PresenceServersOnRedis>(servers);

public sealed class RedisClusterPresenceTests(PresenceServersOnRedisCluster servers) : PresenceTests<PresenceServersOnRedisCluster>(servers);

public sealed class RedisClusterPresenceAcrossServersTests(PresenceServersOnRedisCluster servers) : PresenceAcrossServersTests<PresenceServersOnRedisCluster>(servers);

public sealed class RedisTopicPresenceTests(PresenceServersOnRedis servers) : TopicPresenceTests<PresenceServersOnRedis>(servers);

public sealed class RedisClusterTopicPresenceTests(PresenceServersOnRedisCluster servers) : TopicPresenceTests<PresenceServersOnRedisCluster>(servers);

// Keyed state across servers: Redis versions and publishes each change, clients read it on the other server.
public sealed class RedisStateTests(TwoServersOnRedis servers) : StateTests<TwoServersOnRedis>(servers);

public sealed class RedisClusterStateTests(TwoServersOnRedisCluster servers) : StateTests<TwoServersOnRedisCluster>(servers);

// Topics across servers: subscribed on the receiver, broadcast, set and revoked from the sender.
public sealed class RedisTopicTests(TwoServersOnRedis servers) : TopicTests<TwoServersOnRedis>(servers);

public sealed class RedisClusterTopicTests(TwoServersOnRedisCluster servers) : TopicTests<TwoServersOnRedisCluster>(servers);

// Bounds per topic prefix: the history script keeps each room's own bounds, in one batch on one shard.
public sealed class RedisTopicPrefixTests(TwoServersOnRedis servers) : TopicPrefixTests<TwoServersOnRedis>(servers);

public sealed class RedisClusterTopicPrefixTests(TwoServersOnRedisCluster servers) : TopicPrefixTests<TwoServersOnRedisCluster>(servers);
