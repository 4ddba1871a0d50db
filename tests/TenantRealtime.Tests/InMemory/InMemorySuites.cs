using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Tests.InMemory;

// The shared behaviour suites, run against one in-memory server. TenantRealtime.Redis.Tests runs the same suites
// against two servers on Redis.
public sealed class InMemoryDeliveryMatrixTests(InMemoryCluster cluster) : DeliveryMatrixSpec<InMemoryCluster>(cluster);

public sealed class InMemoryIsolationTests(InMemoryCluster cluster) : IsolationSpec<InMemoryCluster>(cluster);

public sealed class InMemoryRegistryTests(InMemoryCluster cluster) : RegistrySpec<InMemoryCluster>(cluster);

public sealed class InMemoryRevocationTests(InMemoryCluster cluster) : RevocationSpec<InMemoryCluster>(cluster);

public sealed class InMemoryRecoveryTests(InMemoryCluster cluster) : RecoverySpec<InMemoryCluster>(cluster);
