namespace TenantRealtime.State.Internal;

/// <summary>
/// One key of a room's state, guarded by its room's lock: what went out last (or a tombstone: removed, at
/// <see cref="Version"/>), and the change waiting for the key's next slot, if any.
/// </summary>
internal sealed class StateKey
{
    /// <summary>Gets or sets the value that went out last; null when the key was removed or never went out.</summary>
    public StateValue? Published { get; set; }

    /// <summary>Gets or sets the room version the key last went out at; 0 if it never did.</summary>
    public long Version { get; set; }

    /// <summary>Gets or sets whether a change waits for the key's next slot.</summary>
    public bool HasPending { get; set; }

    /// <summary>Gets or sets the waiting change: the latest value, or null for a removal.</summary>
    public StateValue? Pending { get; set; }

    /// <summary>Gets or sets the timestamp (<see cref="TimeProvider.GetTimestamp"/>) before which the key does not go out again.</summary>
    public long NextSlot { get; set; }

    /// <summary>
    /// Gets or sets the timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which the key is removed unless set again;
    /// 0 when it is kept until removed.
    /// </summary>
    public long ExpiresAt { get; set; }

    /// <summary>Gets whether the key holds a value once what waits has gone out.</summary>
    public bool IsLive => HasPending ? Pending is not null : Published is not null;

    /// <summary>Gets whether the key is a tombstone: it went out as removed.</summary>
    public bool IsTombstone => Published is null && Version > 0;
}
