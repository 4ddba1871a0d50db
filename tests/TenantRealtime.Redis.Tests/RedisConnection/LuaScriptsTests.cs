using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.Presence;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.State;

namespace TenantRealtime.Redis.Tests.RedisConnection;

public sealed class LuaScriptsTests
{
    private static readonly string[] Expected =
    [
        "history_append.lua", "history_position.lua", "history_read.lua", "history_reset.lua",
        "presence_apply.lua", "presence_read.lua", "state_change.lua", "state_common.lua", "state_expire.lua", "state_fill.lua",
        "state_read.lua",
    ];

    [Fact]
    public void EveryScriptIsEmbeddedOnceAndNotEmpty()
    {
        LuaScripts.Names.Should().BeEquivalentTo(Expected);
        foreach (var name in Expected)
        {
            LuaScripts.Load(name).Should().NotBeNullOrWhiteSpace(name);
        }
    }

    [Fact]
    public void TheScriptsTheCodeRunsAreTheEmbeddedOnes()
    {
        string[] loaded = [HistoryScripts.Append, HistoryScripts.Read, HistoryScripts.Position, HistoryScripts.Reset, PresenceScripts.Apply, PresenceScripts.Read, StateScripts.Change, StateScripts.Read, StateScripts.Expire, StateScripts.Fill];
        loaded.Should().OnlyContain(script => script.Contains("redis.call(", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingScriptIsAnErrorNamingIt()
    {
        var load = () => LuaScripts.Load("missing.lua");
        load.Should().Throw<InvalidOperationException>().WithMessage("*missing.lua*");
    }
}
