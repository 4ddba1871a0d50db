using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace TenantRealtime.Delivery;

/// <summary>
/// One queued item of a <see cref="ConnectionSender"/>: a message (shared or for this connection), a change of one state
/// key (which a newer change of that key replaces while queued), or a replay's place.
/// </summary>
internal struct Outgoing
{
    private readonly object? _message;

    public Outgoing(SerializedHubMessage message, string? room, long seq) => (_message, Room, Seq) = (message, room, seq);

    /// <summary>A change of <paramref name="key"/> in <paramref name="room"/>'s state.</summary>
    public Outgoing(SerializedHubMessage message, string room, string key) => (_message, Room, ChangeKey) = (message, room, key);

    public Outgoing(HubMessage message, string? room, long seq) => (_message, Room, Seq) = (message, room, seq);

    public Outgoing(ReplaySlot slot) => Slot = slot;

    /// <summary>Gets what a replaced state change leaves in its place: nothing to write.</summary>
    public static Outgoing Dropped { get; } = new() { IsDropped = true };

    /// <summary>Gets whether this is a replaced state change's empty place.</summary>
    public bool IsDropped { get; private init; }

    /// <summary>Gets the key of a state change (its room is <see cref="Room"/>), or <see langword="null"/>.</summary>
    public string? ChangeKey { get; }

    /// <summary>Gets the room of a numbered broadcast or of a state change, or <see langword="null"/>.</summary>
    public string? Room { get; }

    /// <summary>Gets the broadcast's seq in <see cref="Room"/>, or 0.</summary>
    public long Seq { get; }

    /// <summary>Gets the replay whose place this is, or <see langword="null"/> for a message.</summary>
    public ReplaySlot? Slot { get; }

    /// <summary>Gets or sets the bytes this message holds while it waits in the queue.</summary>
    public int Bytes { get; set; }

    public readonly ValueTask WriteTo(HubConnectionContext connection) => _message switch
    {
        SerializedHubMessage shared => connection.WriteAsync(shared),
        HubMessage own => connection.WriteAsync(own),
        _ => default,
    };

    /// <summary>Its size in the connection's protocol: shared messages are serialized once per protocol anyway.</summary>
    public readonly int SizeFor(IHubProtocol protocol) => _message switch
    {
        SerializedHubMessage shared => shared.GetSerializedMessage(protocol).Length,
        HubMessage own => protocol.GetMessageBytes(own).Length,
        _ => 0,
    };
}
