namespace TenantRealtime;

/// <summary>
/// Fills a room's state when the library holds none for it: the first time the room is read (a connection starts or
/// resumes, <c>GetState</c>, <see cref="ITenantState.GetAsync"/>) in a state epoch in which it was never written —
/// after a restart in memory, after Redis lost the room, or for a room that never had state. Register it with
/// <c>WithStateLoader&lt;T&gt;()</c>; without one such a room starts empty and clients that held its lost state are
/// told so (<see cref="TenantStateMessage.Lost"/>).
/// </summary>
/// <remarks>
/// Asked at most once per room and epoch (with Redis: by one server of all), and the read waits for it, so clients get
/// the loaded values in their whole state, never an empty state followed by changes. It is bounded by
/// <see cref="TenantRealtimeOptions.StateLoadTimeout"/>; one that throws or runs out of time leaves the room empty (and
/// lost), logged. Values follow <see cref="ITenantState.SetAsync(StateRoom, string, object?, CancellationToken)"/>'s rules: keys are taken in ordinal order, and a key
/// that is malformed, past <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/> or whose value is past
/// <see cref="TenantRealtimeOptions.MaxStateValueBytes"/> is skipped (logged with <c>limit-exceeded</c>); the others
/// are kept. A key written by <see cref="ITenantState.SetAsync(StateRoom, string, object?, CancellationToken)"/> while the loader ran keeps its written value.
/// </remarks>
public interface IStateLoader
{
    /// <summary>The room's state to start from, or <see langword="null"/> when the app has none to give.</summary>
    /// <param name="room">The room whose state is missing.</param>
    /// <param name="cancellationToken">Fires when <see cref="TenantRealtimeOptions.StateLoadTimeout"/> has passed.</param>
    /// <returns>
    /// Key → value (serialized as <see cref="ITenantState.SetAsync(StateRoom, string, object?, CancellationToken)"/> does); an empty map says the room is empty (not
    /// lost). <see langword="null"/> says nothing could be loaded: the room starts empty, and clients are told it was lost.
    /// </returns>
    ValueTask<IReadOnlyDictionary<string, object?>?> LoadAsync(StateRoom room, CancellationToken cancellationToken);
}
