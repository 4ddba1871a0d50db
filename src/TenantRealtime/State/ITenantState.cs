using System.Diagnostics.CodeAnalysis;

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
    /// <summary>Sets <paramref name="key"/> of <paramref name="room"/> to <paramref name="data"/>, kept until it is removed (or set again with a time-to-live).</summary>
    /// <param name="room">The room, for example <see cref="StateRoom.Tenant"/>.</param>
    /// <param name="key">The key: 1 to <see cref="TenantRealtimeOptions.MaxIdLength"/> characters of <c>[A-Za-z0-9_.-]</c>.</param>
    /// <param name="data">The value; serialized as the hub's JSON protocol does.</param>
    /// <param name="cancellationToken">Cancels the call before it changes anything.</param>
    /// <returns>A task that completes once the change is kept (it goes out at once or at the key's next slot).</returns>
    /// <exception cref="TenantRealtimeLimitExceededException">
    /// The value's JSON is larger than <see cref="TenantRealtimeOptions.MaxStateValueBytes"/>, or the key is new and the
    /// room already holds <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/> keys.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (a time-to-live or none), so no call is ambiguous; each takes a cancellation token as every async method of the library does.")]
    Task SetAsync(StateRoom room, string key, object? data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets <paramref name="key"/> of <paramref name="room"/> to <paramref name="data"/> for <paramref name="timeToLive"/>:
    /// the key is removed unless it is set again within that time after this call. Setting it again with a time-to-live
    /// restarts the clock; setting it with <see cref="SetAsync(StateRoom, string, object?, CancellationToken)"/> makes it
    /// permanent again; removing it ends it. The expiry is an ordinary removal: it gets the room's next version, clients
    /// holding the room receive the key in a change's <c>removed</c> (a resume too), and <see cref="GetAsync"/> no longer
    /// returns it. It happens shortly after it is due, not before: in memory within one tick of the state timer (10 ms);
    /// with Redis within about 100 ms while Redis answers (Redis decides it, so every server agrees), and once it
    /// answers again after an outage. Like any change, the removal waits for the key's next slot of the rate bound.
    /// </summary>
    /// <param name="room">The room, for example <see cref="StateRoom.Tenant"/>.</param>
    /// <param name="key">The key: 1 to <see cref="TenantRealtimeOptions.MaxIdLength"/> characters of <c>[A-Za-z0-9_.-]</c>.</param>
    /// <param name="data">The value; serialized as the hub's JSON protocol does.</param>
    /// <param name="timeToLive">How long the key lives unless set again: 1 second to 30 days.</param>
    /// <param name="cancellationToken">Cancels the call before it changes anything.</param>
    /// <returns>A task that completes once the change is kept (it goes out at once or at the key's next slot).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is under 1 second or over 30 days.</exception>
    /// <exception cref="TenantRealtimeLimitExceededException">
    /// The value's JSON is larger than <see cref="TenantRealtimeOptions.MaxStateValueBytes"/>, or the key is new and the
    /// room already holds <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/> keys.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (a time-to-live or none), so no call is ambiguous; each takes a cancellation token as every async method of the library does.")]
    Task SetAsync(StateRoom room, string key, object? data, TimeSpan timeToLive, CancellationToken cancellationToken = default);

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
