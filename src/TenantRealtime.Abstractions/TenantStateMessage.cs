using System.Runtime.Serialization;

namespace TenantRealtime;

/// <summary>
/// What a <see cref="TenantRealtimeWire.Events.State"/> event carries: <c>{room, epoch, version, full, set,
/// removed, lost?}</c>, camelCase under both hub protocols. The values in <see cref="Set"/> are shared by every recipient.
/// </summary>
[DataContract]
public sealed class TenantStateMessage
{
    /// <summary>Creates a state message.</summary>
    /// <param name="room">The room key.</param>
    /// <param name="epoch">The epoch of the room's state.</param>
    /// <param name="version">The room's state version after this message.</param>
    /// <param name="full">Whether this is the room's whole state.</param>
    /// <param name="set">The keys set, with their values.</param>
    /// <param name="removed">The keys removed.</param>
    public TenantStateMessage(string room, string epoch, long version, bool full, IReadOnlyDictionary<string, object?> set, IReadOnlyList<string> removed)
    {
        Room = room;
        Epoch = epoch;
        Version = version;
        Full = full;
        Set = set;
        Removed = removed;
    }

    /// <summary>Gets the key of the room the state belongs to, for example <c>tenant:org-a:t1</c>.</summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Room)]
    public string Room { get; }

    /// <summary>Gets the identity of the room's state; a new epoch means the state before it is gone.</summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Epoch)]
    public string Epoch { get; }

    /// <summary>Gets the room's state version after this message; a client drops a message at or below the version it holds.</summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Version)]
    public long Version { get; }

    /// <summary>Gets whether this is the room's whole state (replace what is held) rather than changes to apply.</summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Full)]
    public bool Full { get; }

    /// <summary>Gets the keys set, with their latest values.</summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Set)]
    public IReadOnlyDictionary<string, object?> Set { get; }

    /// <summary>Gets the keys removed.</summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Removed)]
    public IReadOnlyList<string> Removed { get; }

    /// <summary>
    /// Gets whether this whole state replaces state the client held in an epoch that is gone, and nothing filled the room
    /// again: what the client held is lost (see <see cref="TenantRealtimeWire.StateFields.Lost"/>).
    /// </summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.Lost)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Lost { get; init; }
}
