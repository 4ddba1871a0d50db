namespace TenantRealtime.Recovery;

/// <summary>
/// A broadcast just numbered, with its room still held: the room's next broadcast is numbered, and its position read,
/// only once this is disposed. Whatever the holder hands <see cref="Envelope"/> to meanwhile therefore sees the room's
/// broadcasts in seq order. A <see langword="ref"/> struct, so it can neither outlive the call nor cross an await.
/// </summary>
internal readonly ref struct NumberedBroadcast
{
    private readonly object _room;

    public NumberedBroadcast(TenantEnvelope envelope, object room) => (Envelope, _room) = (envelope, room);

    /// <summary>Gets the envelope as numbered: its room, seq and epoch.</summary>
    public TenantEnvelope Envelope { get; }

    /// <summary>Releases the room.</summary>
    public void Dispose() => Monitor.Exit(_room);
}
