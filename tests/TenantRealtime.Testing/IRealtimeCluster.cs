namespace TenantRealtime.Testing;

/// <summary>
/// A setup the shared behaviour suites run against. Clients connect to <see cref="Receiver"/>; broadcasts and
/// revocations are issued on <see cref="Sender"/>. In memory both are one server; over Redis they are two servers,
/// so every suite also proves the behaviour holds across servers.
/// </summary>
public interface IRealtimeCluster
{
    RealtimeNode Receiver { get; }

    RealtimeNode Sender { get; }

    /// <summary>How many broadcasts per room the cluster keeps for Resume (its HistoryMaxMessages).</summary>
    int HistoryWindow => 1_000;

    /// <summary>
    /// Starts one more server of the same setup (on the same Redis, if any) with its options changed by
    /// <paramref name="configure"/> and its TenantRealtime builder extended by <paramref name="realtime"/> (an
    /// authorizer, a loader), for behaviour that depends on them; the caller disposes it.
    /// </summary>
    Task<RealtimeNode> StartNodeAsync(Action<TenantRealtimeOptions> configure, Action<ITenantRealtimeBuilder>? realtime = null);

    /// <summary>Waits until counts issued on one node are visible from <paramref name="node"/> (immediate in memory).</summary>
    Task WaitForRegistryAsync(RealtimeNode node, Func<IConnectionRegistry, Task<bool>> condition);
}
