using System.Runtime.Serialization;

namespace TenantRealtime;

/// <summary>The answer to <c>Resume</c>: one entry per position asked about.</summary>
[DataContract]
public sealed class ResumeResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="rooms">One entry per position, in the order asked.</param>
    public ResumeResult(IReadOnlyList<RoomResumeResult> rooms) => Rooms = rooms;

    /// <summary>Gets one entry per position, in the order asked.</summary>
    [DataMember(Name = "rooms")]
    public IReadOnlyList<RoomResumeResult> Rooms { get; }

    /// <summary>
    /// Gets one entry per state version named in the request's <c>states</c>, in the order asked, or
    /// <see langword="null"/> when it named none: <see cref="RoomResumeResult.Recovered"/> when only the changed and
    /// removed keys were sent, otherwise the whole state was; <see cref="RoomResumeResult.Replayed"/> counts the keys sent.
    /// </summary>
    [DataMember(Name = TenantRealtimeWire.StateFields.States)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RoomResumeResult>? States { get; init; }
}

/// <summary>What <c>Resume</c> did for one room.</summary>
[DataContract]
public sealed class RoomResumeResult
{
    /// <summary>Creates a room result.</summary>
    /// <param name="room">The room key asked about.</param>
    /// <param name="recovered">Whether every missed broadcast was replayed; when false the client must reload its state.</param>
    /// <param name="replayed">How many broadcasts were replayed, as their original events, before this answer.</param>
    /// <param name="error"><c>forbidden</c> when the connection does not hold the room; otherwise <see langword="null"/>.</param>
    public RoomResumeResult(string room, bool recovered, int replayed, string? error)
    {
        Room = room;
        Recovered = recovered;
        Replayed = replayed;
        Error = error;
    }

    /// <summary>Gets the room key asked about.</summary>
    [DataMember(Name = "room")]
    public string Room { get; }

    /// <summary>Gets whether every missed broadcast was replayed; when false the client must reload its state.</summary>
    [DataMember(Name = "recovered")]
    public bool Recovered { get; }

    /// <summary>Gets how many broadcasts were replayed before this answer.</summary>
    [DataMember(Name = "replayed")]
    public int Replayed { get; }

    /// <summary>Gets <c>forbidden</c> when the connection does not hold the room; otherwise <see langword="null"/>.</summary>
    [DataMember(Name = "error")]
    public string? Error { get; }
}
