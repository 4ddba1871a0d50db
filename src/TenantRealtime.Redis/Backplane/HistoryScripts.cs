using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// The Lua scripts of the Redis history (<c>Lua/history_*.lua</c>; each file says its KEYS, ARGV and reply). Each runs
/// atomically on the shard holding the room (its keys and its organization's channel share a hash tag), so numbering,
/// keeping and publishing a broadcast is one step that no other server can interleave with.
/// </summary>
internal static class HistoryScripts
{
    /// <summary>Numbers, keeps and publishes a broadcast; a retry whose first attempt ran gets its seq back, unpublished.</summary>
    /// <remarks>
    /// On Redis Cluster the channel carries the keys' hash tag, so SPUBLISH goes out from the shard that ran the
    /// script. A missing hash means the room's history is gone (never written, expired, or Redis lost its data): the
    /// room starts a new epoch at seq 1, and a stream left behind (evicted separately) is dropped so ids start over.
    /// Ids are <c>{seq}-0</c>, so XRANGE reads by sequence number; MAXLEN trims to the window, by whole stream nodes
    /// for a window of 1,000 or more (reads serve exactly the window). Every append renews the TTL of both keys, so a
    /// room idle for longer than the history is kept costs nothing.
    /// </remarks>
    public static readonly string Append = LuaScripts.Load("history_append.lua");

    /// <summary>Reads a room's kept broadcasts after a position: <c>false</c> without history, else <c>{epoch, lastSeq, entries}</c>.</summary>
    public static readonly string Read = LuaScripts.Load("history_read.lua");

    /// <summary>A room's <c>{epoch, seq}</c>, created at seq 0 in the candidate epoch when it has no history.</summary>
    /// <remarks>
    /// The creation is what <see cref="Append"/> does for a missing hash, without the first broadcast, so the next append
    /// numbers 1 in this epoch and a client at <c>{epoch, 0}</c> resumes it. An existing hash is only read: a position
    /// does not keep a room's history alive, broadcasts do.
    /// </remarks>
    public static readonly string Position = LuaScripts.Load("history_position.lua");

    /// <summary>Starts a room over in a new epoch at seq 0: a server gave up broadcasts to it that it had accepted.</summary>
    public static readonly string Reset = LuaScripts.Load("history_reset.lua");
}
