using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Internal.Connections;

/// <summary>What the server keeps per live connection: who it is and which rooms it holds.</summary>
internal sealed class ConnectionState(HubCallerContext context, TenantIdentity? identity)
{
    public HubCallerContext Context { get; } = context;

    public string ConnectionId => Context.ConnectionId;

    /// <summary>Gets the identity, or null for an anonymous connection (global broadcasts only).</summary>
    public TenantIdentity? Identity { get; } = identity;

    public TenantConnection Registration { get; } = new(context.ConnectionId, identity);

    /// <summary>Serializes room changes: the connection's own calls and revocation from other threads.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Gets the rooms held now. Replaced (never mutated) under <see cref="Gate"/>, so readers need no lock.</summary>
    public IReadOnlySet<TenantRoom> Rooms { get; set; } = new HashSet<TenantRoom>();

    /// <summary>Gets the SignalR groups the connection is in, derived from <see cref="Rooms"/> by DeliveryGroups.</summary>
    public IReadOnlySet<string> Groups { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    private int _rateLimitedInARow;

    /// <summary>Counts a rate-limited invocation; returns how many came in a row.</summary>
    public int CountRateLimited() => Interlocked.Increment(ref _rateLimitedInARow);

    public void ResetRateLimited() => Volatile.Write(ref _rateLimitedInARow, 0);

    public static ConnectionState? Of(HubCallerContext context) =>
        context.Items.TryGetValue(typeof(ConnectionState), out var value) ? value as ConnectionState : null;

    public void Attach() => Context.Items[typeof(ConnectionState)] = this;
}
