using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Delivery;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// This server listens to an organization's broadcast channel while one of its connections is in a group of that
/// organization (counted by group, as the tenant hub's groups fill and empty), and always to the channel of global
/// broadcasts: no channel per connection and none per user. A channel nobody here needs any more is left at the next
/// sweep, so connections that come and go do not subscribe and unsubscribe each time. Messages are read in publish
/// order, one channel at a time, and handed to the <see cref="RoomSequencer"/>.
/// </summary>
internal sealed class RoomSubscriptions : IGroupSubscriptions, IAsyncDisposable
{
    /// <summary>How often channels no group here needs are left.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Shard> _shards = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SharedRedisConnection _connection;
    private readonly RedisTopology _topology;
    private readonly IServiceProvider _services;
    private RoomSequencer? _sequencer;
    private readonly TimeProvider _time;
    private readonly ILogger<RoomSubscriptions> _logger;
    private readonly TimeSpan _joinWait;
    private ITimer? _sweep;

    public RoomSubscriptions(
        SharedRedisConnection connection,
        RedisTopology topology,
        IServiceProvider services,
        IOptions<TenantRealtimeRedisOptions> options,
        TimeProvider time,
        ILogger<RoomSubscriptions> logger)
    {
        _joinWait = options.Value.BroadcastTimeout;
        _connection = connection;
        _topology = topology;
        _services = services;
        _time = time;
        _logger = logger;
    }

    // Resolved on first use: the tenant hub's lifetime manager reports its groups to this class, and the sequencer
    // delivers to that manager, so taking the sequencer in the constructor would be a cycle.
    private RoomSequencer Sequencer => _sequencer ??= _services.GetRequiredService<RoomSequencer>();

    /// <summary>Gets the organizations' channels (and the global one) this server listens to.</summary>
    public int ChannelCount
    {
        get
        {
            lock (_lock)
            {
                return _shards.Count;
            }
        }
    }

    /// <summary>Listens to the global channel for good and starts the sweep.</summary>
    public void Start()
    {
        lock (_lock)
        {
            Acquire(RedisKeys.AllShard);
        }

        _sweep = _time.CreateTimer(static state => ((RoomSubscriptions)state!).Sweep(), this, SweepInterval, SweepInterval);
    }

    public void Filled(string group)
    {
        lock (_lock)
        {
            Acquire(RedisKeys.ShardOf(group));
        }
    }

    public void Emptied(string group)
    {
        lock (_lock)
        {
            if (_shards.TryGetValue(RedisKeys.ShardOf(group), out var shard))
            {
                shard.Groups--;
            }
        }
    }

    public Task WhenListeningAsync(string group)
    {
        Shard? shard;
        lock (_lock)
        {
            if (!_shards.TryGetValue(RedisKeys.ShardOf(group), out shard) || shard.Subscription.Subscribed.IsCompleted || shard.WaitedOut)
            {
                return Task.CompletedTask;
            }
        }

        // A join never waits on an outage: its rooms work locally at once, and it hears other servers when Redis is back.
        return _connection.IsKnownDown ? Task.CompletedTask : WaitBoundedAsync(shard);
    }

    private async Task WaitBoundedAsync(Shard shard)
    {
        try
        {
            await shard.Subscription.Subscribed.WaitAsync(_joinWait, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still subscribing in the background (Redis hung); the rooms work locally meanwhile, and later joins of
            // this organization do not wait again, so a connect with several rooms waits once, not once per room.
            shard.WaitedOut = true;
        }
    }

    /// <summary>Leaves every channel.</summary>
    public async Task StopAsync()
    {
        _sweep?.Dispose();
        Shard[] shards;
        lock (_lock)
        {
            shards = [.. _shards.Values];
            _shards.Clear();
        }

        foreach (var shard in shards)
        {
            await shard.Subscription.StopAsync().ConfigureAwait(false);
            shard.Subscription.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Leaves the channels no group here has needed since the last sweep.</summary>
    internal void Sweep()
    {
        List<(string Name, Shard Shard)> idle = [];
        lock (_lock)
        {
            foreach (var (name, shard) in _shards)
            {
                if (shard.Groups > 0 || name == RedisKeys.AllShard)
                {
                    shard.IdleSweeps = 0;
                }
                else if (++shard.IdleSweeps >= 2)
                {
                    idle.Add((name, shard));
                }
            }

            foreach (var (name, _) in idle)
            {
                _shards.Remove(name);
            }
        }

        foreach (var (name, shard) in idle)
        {
            Sequencer.Forget(name);
            _ = LeaveAsync(shard);
        }
    }

    private void Acquire(string name)
    {
        if (!_shards.TryGetValue(name, out var shard))
        {
            var subscription = new ChannelSubscription(
                _connection,
                async () => RedisKeys.BroadcastChannel(name, await _topology.IsClusterAsync().ConfigureAwait(false)),
                OnMessage,
                ex => RedisLog.BroadcastSubscribeFailed(_logger, name, ex),
                _time);
            shard = new Shard(subscription);
            _shards[name] = shard;
            subscription.Start();
        }

        shard.Groups++;
        shard.IdleSweeps = 0;
    }

    private static async Task LeaveAsync(Shard shard)
    {
        await shard.Subscription.StopAsync().ConfigureAwait(false);
        shard.Subscription.Dispose();
    }

    private Task OnMessage(ChannelMessage message)
    {
        var payload = (ReadOnlyMemory<byte>)message.Message;
        if (!BroadcastMessage.TryRead(payload, out var received))
        {
            RedisLog.BroadcastRejected(_logger, payload.Length);
            return Task.CompletedTask;
        }

        try
        {
            Sequencer.Received(received);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // A well-framed message whose envelope is not ours (anyone who can write to Redis can publish).
            RedisLog.BroadcastUndeliverable(_logger, payload.Length, ex);
        }

        return Task.CompletedTask;
    }

    private sealed class Shard(ChannelSubscription subscription)
    {
        public ChannelSubscription Subscription { get; } = subscription;

        public int Groups { get; set; }

        public int IdleSweeps { get; set; }

        public bool WaitedOut { get; set; }
    }
}
