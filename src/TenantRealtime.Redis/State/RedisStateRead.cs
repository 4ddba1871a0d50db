namespace TenantRealtime.Redis.State;

/// <summary>What <c>state_read.lua</c> answered for one room.</summary>
/// <param name="Epoch">The room's state epoch.</param>
/// <param name="Version">The room's last state version in it (0: no change yet).</param>
/// <param name="Full">Whether <paramref name="Set"/> is the whole state (else the keys changed since the version asked).</param>
/// <param name="Set">Key → value JSON.</param>
/// <param name="Removed">The keys removed since the version asked (empty for the whole state).</param>
internal sealed record RedisStateRead(string Epoch, long Version, bool Full, IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Removed);
