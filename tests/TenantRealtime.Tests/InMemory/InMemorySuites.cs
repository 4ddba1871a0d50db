using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Tests.InMemory;

// The shared behaviour suites, run against one in-memory server. TenantRealtime.Redis.Tests runs the same suites
// against two servers on Redis.
public sealed class InMemoryDeliveryMatrixTests(InMemoryCluster cluster) : DeliveryMatrixTests<InMemoryCluster>(cluster);

public sealed class InMemoryIsolationTests(InMemoryCluster cluster) : IsolationTests<InMemoryCluster>(cluster);

public sealed class InMemoryRegistryTests(InMemoryCluster cluster) : RegistryTests<InMemoryCluster>(cluster);

public sealed class InMemoryRevocationTests(InMemoryCluster cluster) : RevocationTests<InMemoryCluster>(cluster);

public sealed class InMemoryRefusalTests(InMemoryCluster cluster) : RefusalTests<InMemoryCluster>(cluster);

public sealed class InMemoryRecoveryTests(InMemoryCluster cluster) : RecoveryTests<InMemoryCluster>(cluster);

public sealed class InMemoryPositionTests(InMemoryCluster cluster) : PositionTests<InMemoryCluster>(cluster);

public sealed class InMemorySlowConsumerTests(InMemoryCluster cluster) : SlowConsumerTests<InMemoryCluster>(cluster);

public sealed class InMemoryPresenceTests(InMemoryPresenceCluster cluster) : PresenceTests<InMemoryPresenceCluster>(cluster);

public sealed class InMemoryTopicPresenceTests(InMemoryPresenceCluster cluster) : TopicPresenceTests<InMemoryPresenceCluster>(cluster);

public sealed class InMemoryStateTests(InMemoryCluster cluster) : StateTests<InMemoryCluster>(cluster);

public sealed class InMemoryTopicPrefixTests(InMemoryCluster cluster) : TopicPrefixTests<InMemoryCluster>(cluster);

public sealed class InMemoryTopicTests(InMemoryCluster cluster) : TopicTests<InMemoryCluster>(cluster);
