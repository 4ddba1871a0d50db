using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.State;

/// <summary>
/// The Lua scripts of keyed state in Redis (<c>Lua/state_*.lua</c>; each file says its KEYS, ARGV and reply). A room's
/// state keys share its organization's hash tag with its history keys and channel, so on a Redis Cluster each script
/// runs on the one shard that owns them and publishes from it.
/// </summary>
internal static class StateScripts
{
    // How a key leaves a room (a removal's tombstone, an ended time-to-live), written once and put before each script
    // that needs it: Redis runs each script whole, with no includes of its own.
    private static readonly string Common = LuaScripts.Load("state_common.lua");

    /// <summary>Sets or removes a key, enforces the key bound, versions the change and publishes it, in one step.</summary>
    public static readonly string Change = Common + LuaScripts.Load("state_change.lua");

    /// <summary>A room's whole state, or the keys changed and removed after a version of its epoch.</summary>
    public static readonly string Read = Common + LuaScripts.Load("state_read.lua");

    /// <summary>Removes a room's keys whose time-to-live has ended, each a versioned, published removal.</summary>
    public static readonly string Expire = Common + LuaScripts.Load("state_expire.lua");

    /// <summary>Fills a room's new epoch with the app's loaded values, as the one caller the read told to.</summary>
    public static readonly string Fill = LuaScripts.Load("state_fill.lua");
}
