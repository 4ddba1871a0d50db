using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.Delivery;

/// <summary>Who a send is for, the way SignalR's hub clients name them.</summary>
internal enum SendTarget : byte
{
    All = 1,
    AllExcept = 2,
    Connections = 3,
    Groups = 4,
    GroupExcept = 5,
    Users = 6,
}

/// <summary>A send to this server's connections: its audience, the message, and the broadcast's room position.</summary>
/// <param name="Target">The kind of audience.</param>
/// <param name="Names">The connection ids, group names or user ids of <paramref name="Target"/>; empty for all.</param>
/// <param name="Excluded">Connection ids left out (for the <c>Except</c> targets).</param>
/// <param name="Message">The message, serialized once per protocol (or <see langword="null"/> with <paramref name="Prepared"/>).</param>
/// <param name="Room">The room of a numbered broadcast, or <see langword="null"/>.</param>
/// <param name="Seq">The broadcast's seq in <paramref name="Room"/>, or 0.</param>
/// <param name="Prepared">A broadcast whose JSON frame is written, when <paramref name="Message"/> is <see langword="null"/>.</param>
internal readonly record struct LocalSend(
    SendTarget Target,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> Excluded,
    SerializedHubMessage? Message,
    string? Room,
    long Seq,
    PreparedBroadcast? Prepared = null)
{
    /// <summary>The message for <paramref name="sender"/>'s protocol.</summary>
    public SerializedHubMessage MessageFor(ConnectionSender sender) => Prepared?.For(sender.Connection.Protocol) ?? Message!;
}
