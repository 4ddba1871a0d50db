using Microsoft.AspNetCore.SignalR;

namespace TenantRealtime.State.Internal;

/// <summary>
/// What a read of one room's state sends a connection: a <c>state</c> message (none when nothing changed since the
/// version the client holds), whether it is the whole state, how many keys and value bytes it carries, and the room's
/// epoch and version it brings the connection to.
/// </summary>
internal readonly record struct StateRead(SerializedHubMessage? Message, bool Full, int Keys, long Bytes, string Epoch, long Version);
