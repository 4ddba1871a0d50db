using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
/// order, one channel at a time, and handed to the <see cref="LocalDeliveryOrder"/>.
/// </summary>
internal sealed class RoomSubscriptions : IGroupSubscriptions, IAsyncDisposable
{
    /// <summary>How often channels no group here needs are left.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, ListenedChannel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SharedRedisConnection _connection;
    private readonly RedisTopology _topology;
    private readonly IServiceProvider _services;
    private LocalDeliveryOrder? _deliveryOrder;
    private readonly TimeProvider _time;
    private readonly ILogger<RoomSubscriptions> _logger;
    private readonly RedisCallPolicy _policy;
    private ITimer? _sweep;

    public RoomSubscriptions(
        SharedRedisConnection connection,
        RedisTopology topology,
        IServiceProvider services,
        RedisCallPolicy policy,
        TimeProvider time,
        ILogger<RoomSubscriptions> logger)
    {
        _policy = policy;
        _connection = connection;
        _topology = topology;
        _services = services;
        _time = time;
        _logger = logger;
    }

    // Resolved on first use: the tenant hub's lifetime manager reports its groups to this class, and the delivery order
    // delivers to that manager, so taking it in the constructor would be a cycle.
    private LocalDeliveryOrder DeliveryOrder => _deliveryOrder ??= _services.GetRequiredService<LocalDeliveryOrder>();

    /// <summary>Gets the organizations' channels (and the global one) this server listens to.</summary>
    public int ChannelCount
    {
        get
        {
            lock (_lock)
            {
                return _channels.Count;
            }
        }
    }

    /// <summary>Listens to the global channel for good and starts the sweep.</summary>
    public void Start()
    {
        lock (_lock)
        {
            Acquire(RedisKeys.GlobalChannel);
        }

        _sweep = _time.CreateTimer(static state => ((RoomSubscriptions)state!).Sweep(), this, SweepInterval, SweepInterval);
    }

    public void Filled(string group)
    {
        lock (_lock)
        {
            Acquire(RedisKeys.OrganizationChannelOf(group));
        }
    }

    public void Emptied(string group)
    {
        lock (_lock)
        {
            if (_channels.TryGetValue(RedisKeys.OrganizationChannelOf(group), out var channel))
            {
                channel.Groups--;
            }
        }
    }

    public Task WhenListeningAsync(string group)
    {
        ListenedChannel? channel;
        lock (_lock)
        {
            if (!_channels.TryGetValue(RedisKeys.OrganizationChannelOf(group), out channel) || channel.Subscription.Subscribed.IsCompleted || channel.WaitedOut)
            {
                return Task.CompletedTask;
            }
        }

        return WaitBoundedAsync(channel);
    }

    private async Task WaitBoundedAsync(ListenedChannel channel)
    {
        // A join never waits on an outage: its rooms work locally at once, and it hears other servers when Redis is back.
        var call = await _policy.RunAsync(channel, static channel => channel.Subscription.Subscribed).ConfigureAwait(false);
        if (call.Outcome == RedisCallOutcome.TimedOut)
        {
            // Still subscribing in the background (Redis hung); the rooms work locally meanwhile, and later joins of
            // this organization do not wait again, so a connect with several rooms waits once, not once per room.
            channel.WaitedOut = true;
        }
    }

    /// <summary>Leaves every channel.</summary>
    public async Task StopAsync()
    {
        _sweep?.Dispose();
        ListenedChannel[] channels;
        lock (_lock)
        {
            channels = [.. _channels.Values];
            _channels.Clear();
        }

        foreach (var channel in channels)
        {
            await channel.Subscription.StopAsync().ConfigureAwait(false);
            channel.Subscription.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Leaves the channels no group here has needed since the last sweep.</summary>
    internal void Sweep()
    {
        List<(string Name, ListenedChannel Channel)> idle = [];
        lock (_lock)
        {
            foreach (var (name, channel) in _channels)
            {
                if (channel.Groups > 0 || name == RedisKeys.GlobalChannel)
                {
                    channel.IdleSweeps = 0;
                }
                else if (++channel.IdleSweeps >= 2)
                {
                    idle.Add((name, channel));
                }
            }

            foreach (var (name, _) in idle)
            {
                _channels.Remove(name);
            }
        }

        foreach (var (name, channel) in idle)
        {
            DeliveryOrder.Forget(name);
            _ = LeaveAsync(channel);
        }
    }

    private void Acquire(string name)
    {
        if (!_channels.TryGetValue(name, out var channel))
        {
            var subscription = new ChannelSubscription(
                _connection,
                async () => RedisKeys.BroadcastChannel(name, await _topology.IsClusterAsync().ConfigureAwait(false)),
                OnMessage,
                ex => RedisLog.BroadcastSubscribeFailed(_logger, name, ex),
                _time);
            channel = new ListenedChannel(subscription);
            _channels[name] = channel;
            subscription.Start();
        }

        channel.Groups++;
        channel.IdleSweeps = 0;
    }

    private static async Task LeaveAsync(ListenedChannel channel)
    {
        await channel.Subscription.StopAsync().ConfigureAwait(false);
        channel.Subscription.Dispose();
    }

    private Task OnMessage(ChannelMessage message)
    {
        var payload = (ReadOnlyMemory<byte>)message.Message;
        // Another kind of message on the organization's channel (keyed state): its handler, never read as a broadcast.
        if (payload.Length > 0 && payload.Span[0] != BroadcastMessage.Version && _services.GetService<IChannelMessageHandler>()?.TryHandle(payload) == true)
        {
            return Task.CompletedTask;
        }

        if (DeliveryOrder.IsDeliveredEcho(payload.Span))
        {
            return Task.CompletedTask;
        }

        if (!BroadcastMessage.TryRead(payload, out var received))
        {
            RedisLog.BroadcastRejected(_logger, payload.Length);
            return Task.CompletedTask;
        }

        try
        {
            DeliveryOrder.Received(received);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // A well-framed message whose envelope is not ours (anyone who can write to Redis can publish).
            RedisLog.BroadcastUndeliverable(_logger, payload.Length, ex);
        }

        return Task.CompletedTask;
    }

    private sealed class ListenedChannel(ChannelSubscription subscription)
    {
        public ChannelSubscription Subscription { get; } = subscription;

        public int Groups { get; set; }

        public int IdleSweeps { get; set; }

        public bool WaitedOut { get; set; }
    }
}
