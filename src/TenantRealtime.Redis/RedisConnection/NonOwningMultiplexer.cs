using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The multiplexer as SignalR's <c>RedisHubLifetimeManager</c> sees it. That class disposes the multiplexer it is
/// given; here Dispose and Close do nothing, so the shared multiplexer lives until its owner
/// (<see cref="SharedRedisConnection"/>) disposes it. Its subscriber prefixes every channel with the application's
/// prefix, which works the same for a multiplexer the app passes in (whose configuration we cannot change) as for
/// one we create. Everything else is forwarded unchanged.
/// </summary>
/// <remarks>A <see cref="DispatchProxy"/> rather than a hand-written class: the interface has ~70 members and
/// grows with StackExchange.Redis minor versions; only the few intercepted here matter.</remarks>
#pragma warning disable CA1852 // DispatchProxy derives a type from this class at run time.
internal class NonOwningMultiplexer : DispatchProxy
#pragma warning restore CA1852
{
    private IConnectionMultiplexer _target = null!;
    private string _prefix = null!;
    private ISubscriber? _subscriber;

    public static IConnectionMultiplexer Create(IConnectionMultiplexer target, string prefix)
    {
        var proxy = Create<IConnectionMultiplexer, NonOwningMultiplexer>();
        var self = (NonOwningMultiplexer)(object)proxy;
        self._target = target;
        self._prefix = prefix;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        switch (targetMethod.Name)
        {
            case nameof(IDisposable.Dispose):
                return null;
            case nameof(IAsyncDisposable.DisposeAsync):
                return ValueTask.CompletedTask;
            case nameof(IConnectionMultiplexer.Close):
                return null;
            case nameof(IConnectionMultiplexer.CloseAsync):
                return Task.CompletedTask;
            case nameof(IConnectionMultiplexer.GetSubscriber):
                // One prefixing subscriber; the asyncState argument is not used by SignalR.
                return _subscriber ??= PrefixedSubscriber.Create(_target.GetSubscriber(), _prefix);
            default:
                return Forward(_target, targetMethod, args);
        }
    }

    internal static object? Forward(object target, MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw; // unreachable
        }
    }
}
