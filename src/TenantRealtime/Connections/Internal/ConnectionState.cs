using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Connections.Internal;

/// <summary>
/// What the server keeps per live connection: who it is and which rooms it holds. Kept small on purpose (arrays, a
/// gate made on first use, no <c>Context.Items</c>): an idle connection's cost is counted per thousands of them.
/// </summary>
internal sealed class ConnectionState(HubCallerContext context, TenantIdentity? identity)
{
    private SemaphoreSlim? _gate;
    private int _rateLimitedInARow;

    public HubCallerContext Context { get; } = context;

    public string ConnectionId => Context.ConnectionId;

    /// <summary>Gets the identity, or null for an anonymous connection (global broadcasts only).</summary>
    public TenantIdentity? Identity { get; } = identity;

    /// <summary>Gets what the registry counts; made when needed rather than kept (it compares by value).</summary>
    public TenantConnection Registration => new(ConnectionId, Identity);

    /// <summary>
    /// Serializes room changes once the connection is visible to others: its own calls, revocation from other
    /// threads, and its end. Made on first use, since most connections never change rooms after connecting.
    /// </summary>
    public SemaphoreSlim Gate => LazyInitializer.EnsureInitialized(ref _gate, static () => new SemaphoreSlim(1, 1));

    /// <summary>Gets the rooms held now, without duplicates. Replaced (never mutated) under <see cref="Gate"/>, so readers need no lock.</summary>
    public TenantRoom[] Rooms { get; set; } = [];

    /// <summary>
    /// Gets or sets the topics presence counts this connection in (those whose prefix tracked presence when it
    /// subscribed), so exactly those are uncounted whatever the options say later. Changed under <see cref="Gate"/>.
    /// </summary>
    public TenantRoom[] PresenceTopics { get; set; } = [];

    /// <summary>Gets or sets whether the connection has ended: its rooms change no more. Set under <see cref="Gate"/>.</summary>
    public bool Closed { get; set; }

    /// <summary>Counts a rate-limited invocation; returns how many came in a row.</summary>
    public int CountRateLimited() => Interlocked.Increment(ref _rateLimitedInARow);

    public void ResetRateLimited() => Volatile.Write(ref _rateLimitedInARow, 0);
}
