using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Redis.Diagnostics;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// The one multiplexer everything in the package shares, and its owner. Others get non-owning views
/// (<see cref="Backplane"/>), so nothing but this class ever disposes a multiplexer the package created; the
/// container disposes this class after the backplane because the backplane depends on it (created first, disposed last).
/// </summary>
internal sealed class SharedRedisConnection : IDisposable, IAsyncDisposable
{
    private readonly TenantRealtimeRedisOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger<SharedRedisConnection> _logger;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connect;
    private IConnectionMultiplexer? _multiplexer;
    private IConnectionMultiplexer? _backplane;
    private bool _owned;
    private int _disposed;

    public SharedRedisConnection(IOptions<TenantRealtimeRedisOptions> options, IServiceProvider services, ILogger<SharedRedisConnection> logger)
    {
        _options = options.Value;
        _services = services;
        _logger = logger;
        _connect = new Lazy<Task<IConnectionMultiplexer>>(ConnectAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        Keys = new RedisKeys(_options.ChannelPrefix!);
    }

    /// <summary>Gets the channel and key names of this application.</summary>
    public RedisKeys Keys { get; }

    /// <summary>Gets whether the multiplexer exists and has a live connection to Redis.</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>Gets whether the first connection attempt has finished (successfully or not).</summary>
    public bool IsStarted => _multiplexer is not null;

    /// <summary>
    /// Gets whether Redis is known to be unreachable now: connected once and lost. Callers answer at once then
    /// instead of waiting for the client library to give up (seconds); before the first attempt nothing is known.
    /// </summary>
    public bool IsKnownDown => IsStarted && !IsConnected;

    /// <summary>Gets the multiplexer, connecting on first use. With AbortOnConnectFail off this returns after the
    /// first attempt even when Redis is down; the multiplexer then keeps reconnecting in the background.</summary>
    public Task<IConnectionMultiplexer> GetAsync() => _connect.Value;

    /// <summary>Gets a view for SignalR's backplane: disposing it does nothing, and its channels carry the prefix.</summary>
    public async Task<IConnectionMultiplexer> GetBackplaneAsync()
    {
        var multiplexer = await GetAsync().ConfigureAwait(false);
        return _backplane ??= NonOwningMultiplexer.Create(multiplexer, Keys.ChannelPrefix);
    }

    /// <summary>Gets a subscriber whose channels carry the application's prefix.</summary>
    public async Task<ISubscriber> GetSubscriberAsync() =>
        (await GetBackplaneAsync().ConfigureAwait(false)).GetSubscriber();

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        IConnectionMultiplexer multiplexer;
        if (_options.ConnectionFactory is { } factory)
        {
            multiplexer = factory(_services) ?? throw new InvalidOperationException(
                "TenantRealtimeRedisOptions.ConnectionFactory returned null; it must return a multiplexer.");
        }
        else
        {
            // A clone, so forcing AbortOnConnectFail off and the reconnect defaults never change the app's own
            // options object. A multiplexer from ConnectionFactory is the app's, configured as the app chose.
            var configuration = _options.Configuration.Clone();
            configuration.AbortOnConnectFail = false;
            ReconnectDefaults.ApplyTo(configuration);
            multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            _owned = true;
        }

        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        if (multiplexer.IsConnected)
        {
            RedisLog.Connected(_logger, _options.ChannelPrefix!);
        }
        else
        {
            RedisLog.NotConnectedAtStart(_logger);
        }

        _multiplexer = multiplexer;
        return multiplexer;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // Interactive and subscription connections fail together; one line per outage is enough.
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            RedisLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "", e.FailureType.ToString(), e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            RedisLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "");
        }
    }

    public void Dispose()
    {
        if (Detach() is { } multiplexer)
        {
            multiplexer.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Detach() is { } multiplexer)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Unhooks the events once and returns the multiplexer when this class owns it.</summary>
    private IConnectionMultiplexer? Detach()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || _multiplexer is not { } multiplexer)
        {
            return null;
        }

        multiplexer.ConnectionFailed -= OnConnectionFailed;
        multiplexer.ConnectionRestored -= OnConnectionRestored;
        return _owned ? multiplexer : null;
    }
}
