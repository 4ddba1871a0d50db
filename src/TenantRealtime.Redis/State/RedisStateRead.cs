namespace TenantRealtime.Redis.State;

/// <summary>What <c>state_read.lua</c> answered for one room.</summary>
/// <param name="Epoch">The room's state epoch.</param>
/// <param name="Version">The room's last state version in it (0: no change yet).</param>
/// <param name="Full">Whether <paramref name="Set"/> is the whole state (else the keys changed since the version asked).</param>
/// <param name="Set">Key → value JSON.</param>
/// <param name="Removed">The keys removed since the version asked (empty for the whole state).</param>
/// <param name="Fill">Whether the caller must fill the room's new epoch, or another caller is filling it.</param>
/// <param name="Filled">Whether the app's state loader filled this epoch.</param>
/// <param name="NextDueMilliseconds">In how many milliseconds the room's next key with a time-to-live ends; -1: none.</param>
internal sealed record RedisStateRead(string Epoch, long Version, bool Full, IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Removed, RedisStateFill Fill = RedisStateFill.None, bool Filled = false, long NextDueMilliseconds = -1);

/// <summary>Who fills a room whose epoch began at a read (<c>state_read.lua</c>'s <c>fill</c>).</summary>
internal enum RedisStateFill
{
    /// <summary>Nobody: the room is not being filled.</summary>
    None = 0,

    /// <summary>This read began the epoch: its caller asks the loader and writes the fill.</summary>
    Mine = 1,

    /// <summary>Another caller is filling the room: read again soon.</summary>
    Other = 2,
}
