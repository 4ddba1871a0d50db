namespace TenantRealtime.Recovery;

/// <summary>Where a broadcast goes: its room key (the history it belongs to) and the SignalR groups, or everyone.</summary>
/// <param name="Room">The room key carried in the envelope.</param>
/// <param name="Groups">The SignalR groups to send to, or <see langword="null"/> for every connection.</param>
internal readonly record struct BroadcastTarget(string Room, IReadOnlyList<string>? Groups);
