namespace TenantRealtime;

/// <summary>
/// Keeps the latest value of each key per room and pushes it to the room's connections: the whole state when a
/// connection starts (<c>Authenticate</c>), only what changed after a reconnect (<c>Resume</c>), and each change live,
/// at most <see cref="TenantRealtimeOptions.StateUpdatesPerSecondPerKey"/> times a second per key (faster changes are
/// merged; the latest value always goes out). Separate from broadcasts: its own versions and epoch, no history.
/// </summary>
/// <remarks>
/// Ids are validated (<see cref="TenantIds"/>) and keys follow the same rule; a malformed one throws
/// <see cref="ArgumentException"/> before anything changes. A value is serialized once, as the hub's JSON protocol
/// writes it, and shared by every recipient: don't rely on changing the object afterwards.
/// </remarks>
public interface ITenantState
{
    /// <summary>Sets <paramref name="key"/> of <paramref name="room"/> to <paramref name="data"/>.</summary>
    /// <param name="room">The room, for example <see cref="StateRoom.Tenant"/>.</param>
    /// <param name="key">The key: 1 to <see cref="TenantRealtimeOptions.MaxIdLength"/> characters of <c>[A-Za-z0-9_.-]</c>.</param>
    /// <param name="data">The value; serialized as the hub's JSON protocol does.</param>
    /// <param name="cancellationToken">Cancels the call before it changes anything.</param>
    /// <returns>A task that completes once the change is kept (it goes out at once or at the key's next slot).</returns>
    /// <exception cref="TenantRealtimeLimitExceededException">
    /// The value's JSON is larger than <see cref="TenantRealtimeOptions.MaxStateValueBytes"/>, or the key is new and the
    /// room already holds <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/> keys.
    /// </exception>
    Task SetAsync(StateRoom room, string key, object? data, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> from <paramref name="room"/>; removing a key the room does not hold does nothing.</summary>
    /// <param name="room">The room.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call before it changes anything.</param>
    /// <returns>A task that completes once the removal is kept.</returns>
    Task RemoveAsync(StateRoom room, string key, CancellationToken cancellationToken = default);

    /// <summary>The room's current values per key, as connections receive them (for the app's own reads and tests; no authorization).</summary>
    /// <param name="room">The room.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys and values, as plain maps, lists and primitives.</returns>
    Task<IReadOnlyDictionary<string, object?>> GetAsync(StateRoom room, CancellationToken cancellationToken = default);
}
