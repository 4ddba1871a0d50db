namespace TenantRealtime.Client;

/// <summary>Tells the application that a room's state may be missing broadcasts and must be reloaded.</summary>
public sealed class ReloadRequiredEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="room">The room key, for example <c>tenant:org-a:t1</c>.</param>
    /// <param name="reason">Why the room must be reloaded.</param>
    public ReloadRequiredEventArgs(string room, ReloadReason reason)
    {
        ArgumentNullException.ThrowIfNull(room);
        Room = room;
        Reason = reason;
    }

    /// <summary>Gets the room key, for example <c>tenant:org-a:t1</c>.</summary>
    public string Room { get; }

    /// <summary>Gets why the room must be reloaded.</summary>
    public ReloadReason Reason { get; }
}
