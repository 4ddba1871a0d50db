namespace TenantRealtime.State.Internal;

/// <summary>
/// Brings this server's rooms up to date with the store that versions their state before the hub reads them for a
/// connection. In memory this server is the store and there is nothing to do; with Redis each room's mirror reads
/// what it missed (bounded: on an outage the mirror stays as it is).
/// </summary>
internal interface IStateSync
{
    /// <summary>Brings <paramref name="rooms"/> up to date.</summary>
    ValueTask RefreshAsync(IReadOnlyList<string> rooms, CancellationToken cancellationToken);
}

/// <summary>In memory: this server's rooms are the state.</summary>
internal sealed class LocalStateSync : IStateSync
{
    public ValueTask RefreshAsync(IReadOnlyList<string> rooms, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
