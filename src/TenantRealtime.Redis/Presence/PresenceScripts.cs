using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Presence;

/// <summary>
/// The Lua scripts of presence across servers (<c>Lua/presence_*.lua</c>; each file says its KEYS, ARGV and reply;
/// the keys are spelled and described in <see cref="RedisKeys"/>). Every key of one organization carries its hash tag,
/// so a script runs on the shard that owns them and publishes on the organization's broadcast channel there: who comes
/// and goes is decided atomically, once, and the events go out in the order they were decided, in line with the
/// organization's broadcasts. Names in the events are those of <c>PresencePayload</c>.
/// </summary>
internal static class PresenceScripts
{
    /// <summary>Writes this server's share, lets users that are gone leave, and sends what the rate bound allows.</summary>
    public static readonly string Apply = LuaScripts.Load("presence_apply.lua");

    /// <summary>Lists a scope's online users with their connections over the live servers, or only its count.</summary>
    public static readonly string Read = LuaScripts.Load("presence_read.lua");
}
