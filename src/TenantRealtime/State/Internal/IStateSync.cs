namespace TenantRealtime.State.Internal;

/// <summary>
/// Brings this server's rooms up to date with the store that versions their state before the hub reads them for a
/// connection, filling a room that has no state in its epoch with the app's <see cref="IStateLoader"/> first. In memory
/// this server is the store (<see cref="LocalStateSync"/>); with Redis each room's mirror reads what it missed
/// (bounded: on an outage the mirror stays as it is).
/// </summary>
internal interface IStateSync
{
    /// <summary>Brings <paramref name="rooms"/> up to date.</summary>
    ValueTask RefreshAsync(IReadOnlyList<string> rooms, CancellationToken cancellationToken);
}
