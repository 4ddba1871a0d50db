namespace TenantRealtime.Client.Internal;

/// <summary>One room's position and the broadcasts held back until a gap before them fills.</summary>
internal sealed class RoomState(string room)
{
    public string Room { get; } = room;

    /// <summary>Gets or sets the epoch of <see cref="Applied"/>; <see langword="null"/> until the first broadcast or a position from <c>Authenticate</c>.</summary>
    public string? Epoch { get; set; }

    /// <summary>Gets or sets the last seq applied.</summary>
    public long Applied { get; set; }

    /// <summary>
    /// Gets or sets whether the next broadcast may skip ahead without counting as a gap: true for a room never seen,
    /// and after a reload, when the application starts again from whatever it loaded.
    /// </summary>
    public bool Rebase { get; set; } = true;

    /// <summary>Gets or sets the <see cref="Applied"/> a gap Resume was last asked from, or -1.</summary>
    public long ResumedFrom { get; set; } = -1;

    /// <summary>Gets the broadcasts ahead of a gap, by seq.</summary>
    public SortedDictionary<long, InboundEnvelope> Held { get; } = [];

    /// <summary>Gets or sets the reorder window's timer while <see cref="Held"/> is not empty.</summary>
    public ITimer? GapTimer { get; set; }

    public RoomPosition? Position => Epoch is null ? null : new RoomPosition(Room, Epoch, Applied);

    public void StopGapTimer()
    {
        GapTimer?.Dispose();
        GapTimer = null;
    }
}
