using TenantRealtime.Redis.Tests.Infrastructure;
using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Redis.Tests.Suites;

// The shared behaviour suites TenantRealtime.Tests runs in memory, run here across two servers on one Redis:
// clients on one server, broadcasts and revocations from the other.
public sealed class RedisDeliveryMatrixTests(RedisCluster cluster) : DeliveryMatrixTests<RedisCluster>(cluster);

public sealed class RedisIsolationTests(RedisCluster cluster) : IsolationTests<RedisCluster>(cluster);

public sealed class RedisRegistryTests(RedisCluster cluster) : RegistryTests<RedisCluster>(cluster);

public sealed class RedisRevocationTests(RedisCluster cluster) : RevocationTests<RedisCluster>(cluster);

// Clients resume on the receiver while the sender numbered the broadcasts: the history is Redis's, not a server's.
public sealed class RedisRecoveryTests(RedisCluster cluster) : RecoveryTests<RedisCluster>(cluster);

// Stalled readers on the receiver while the sender broadcasts: deliveries arriving from another server are bounded too.
public sealed class RedisSlowConsumerTests(RedisCluster cluster) : SlowConsumerTests<RedisCluster>(cluster);

// Stalled readers on the broadcasting server itself, with AddRedis: local delivery is bounded there too.
public sealed class RedisLocalSlowConsumerTests(RedisSingleNode node) : SlowConsumerTests<RedisSingleNode>(node);
