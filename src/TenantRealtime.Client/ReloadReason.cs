namespace TenantRealtime.Client;

/// <summary>Why a room's state must be reloaded from its source of truth.</summary>
public enum ReloadReason
{
    /// <summary>The server could not replay what was missed: the history window was exceeded, or its epoch is unknown.</summary>
    NotRecovered,

    /// <summary>A broadcast arrived in a new epoch: the room's history was lost on the server.</summary>
    EpochChanged,

    /// <summary>A gap in the room's sequence was still open after the reorder window and a <c>Resume</c>.</summary>
    GapNotFilled,

    /// <summary>Asking the server for the missed broadcasts failed while the connection was up.</summary>
    ResumeFailed,

    /// <summary>The connection no longer holds the room (for example an organization joined before a reconnect); the client stops tracking it.</summary>
    Forbidden,
}
