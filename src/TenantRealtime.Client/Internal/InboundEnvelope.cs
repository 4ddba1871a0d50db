namespace TenantRealtime.Client.Internal;

/// <summary>What <see cref="RoomRecovery"/> needs of a received broadcast: where it belongs, and how to apply it.</summary>
/// <param name="Room">The room key, or <see langword="null"/> for an untracked broadcast.</param>
/// <param name="Seq">The position in the room, or <see langword="null"/> when the server has recovery disabled.</param>
/// <param name="Epoch">The room's history identity.</param>
/// <param name="Apply">Runs the application's handlers.</param>
internal readonly record struct InboundEnvelope(string? Room, long? Seq, string? Epoch, Func<Task> Apply)
{
    public bool IsTracked => Room is not null && Seq is not null && Epoch is not null;
}
