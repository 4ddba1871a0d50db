using System.Reflection;
using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// A subscriber that puts <c>{prefix}:</c> in front of every channel it is given (publish, subscribe,
/// unsubscribe), so two applications on one Redis use disjoint channels. Handlers receive the full (prefixed)
/// channel name; SignalR's backplane and the revocation bus never read it.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives a type from this class at run time.
internal class PrefixedSubscriber : DispatchProxy
#pragma warning restore CA1852
{
    private ISubscriber _target = null!;
    private string _prefix = null!;

    public static ISubscriber Create(ISubscriber target, string prefix)
    {
        var proxy = Create<ISubscriber, PrefixedSubscriber>();
        var self = (PrefixedSubscriber)(object)proxy;
        self._target = target;
        self._prefix = Prefixed(prefix, "");
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (args is not null)
        {
            for (var i = 0; i < args.Length; i++)
            {
                // A default channel means "any" (for example IsConnected()); it stays as it is.
                if (args[i] is RedisChannel channel && !channel.IsNullOrEmpty)
                {
                    args[i] = Prefix(channel);
                }
            }
        }

        return NonOwningMultiplexer.Forward(_target, targetMethod, args);
    }

    /// <summary>The full name of <paramref name="channel"/> under <paramref name="prefix"/>: what Redis sees.</summary>
    public static string Prefixed(string prefix, string channel) => string.Concat(prefix, ":", channel);

    private RedisChannel Prefix(RedisChannel channel)
    {
        // The prefix is [A-Za-z0-9_.-] only, so it holds no glob character and is safe in a pattern too. A sharded
        // channel stays sharded: rebuilt as a literal it would be SUBSCRIBEd, and never hear an SPUBLISH.
        var name = _prefix + channel.ToString();
        return channel.IsSharded ? RedisChannel.Sharded(name)
            : channel.IsPattern ? RedisChannel.Pattern(name)
            : RedisChannel.Literal(name);
    }
}
