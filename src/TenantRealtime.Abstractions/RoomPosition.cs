using System.Runtime.Serialization;

namespace TenantRealtime;

/// <summary>Where a client is in one room's history: the last <see cref="Seq"/> it applied, in <see cref="Epoch"/>.</summary>
[DataContract]
public sealed class RoomPosition
{
    /// <summary>Creates a position.</summary>
    /// <param name="room">The room key, as received in <see cref="TenantEnvelope.Room"/>.</param>
    /// <param name="epoch">The epoch, as received in <see cref="TenantEnvelope.Epoch"/>.</param>
    /// <param name="seq">The last sequence number applied.</param>
    public RoomPosition(string room, string epoch, long seq)
    {
        Room = room;
        Epoch = epoch;
        Seq = seq;
    }

    /// <summary>Gets the room key.</summary>
    [DataMember(Name = "room")]
    public string Room { get; }

    /// <summary>Gets the epoch of the room's history the position belongs to.</summary>
    [DataMember(Name = "epoch")]
    public string Epoch { get; }

    /// <summary>Gets the last sequence number applied.</summary>
    [DataMember(Name = "seq")]
    public long Seq { get; }
}
