using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Diagnostics;
using TenantRealtime.Presence.Internal;
using TenantRealtime.Redis.Connections;
using TenantRealtime.Redis.Diagnostics;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Presence;

/// <summary>
/// Writes this server's share of presence to Redis and lets the presence script decide who comes and goes. Its
/// <see cref="WriteLoop"/>, like the registry's heartbeat, takes the users whose connections changed here, the debounce
/// checks that are due and the releases the rate bound deferred, and runs one script per organization; every
/// <see cref="TenantRealtimeRedisOptions.HeartbeatInterval"/> it renews this server's share and settles the shares of
/// servers that died (PresenceWriter.Heartbeat.cs). Connects and disconnects never wait for it.
/// </summary>
internal sealed partial class PresenceWriter(
    LocalPresence local,
    SharedRedisConnection connection,
    RedisTopology topology,
    RedisConnectionRegistry registry,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    IOptions<TenantRealtimeRedisOptions> redisOptions,
    TimeProvider time,
    ILogger<PresenceWriter> logger) : ILoopWriter, IAsyncDisposable
{
    private readonly WriteLoop _loop = new(connection, redisOptions.Value.HeartbeatInterval, time);
    private readonly Lock _gate = new();
    // Handed over whole to each pass, not cleared: a cleared set keeps the capacity of its largest burst (a connect storm).
    private HashSet<PresenceMember> _dirty = [];
    private readonly PriorityQueue<PresenceMember, long> _checks = new();
    private readonly Dictionary<PresenceRoom, long> _releases = [];

    // Callers of DecidedAsync waiting for the next pass; taken whole by it.
    private TaskCompletionSource? _waiting;

    // Organizations listed under this server in Redis (so a sweep finds its share if it dies); a superset of those
    // with a share, trimmed at the heartbeat.
    private readonly HashSet<string> _indexed = new(StringComparer.Ordinal);

    private RedisKeys Keys => connection.Keys;

    private string ServerId => registry.ServerId;

    /// <summary>A share outlives its last renewal by this much: twice the time a dead server's connections keep counting.</summary>
    private TimeSpan ShareTtl => redisOptions.Value.ServerTimeout * 2;

    /// <summary>Notes that this server's connections of a user changed in <paramref name="scope"/>.</summary>
    public void Changed(PresenceRoom scope, string userId)
    {
        lock (_gate)
        {
            _dirty.Add(new PresenceMember(scope, userId));
        }

        _loop.Changed();
    }

    /// <summary>
    /// Completes once a pass that started after the call has written its changes (so every change noted before it is
    /// decided in Redis and its events published). A failed pass hands its waiters to the next one; the caller bounds
    /// the wait (an outage may last).
    /// </summary>
    public Task DecidedAsync()
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            waiter = _waiting ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _loop.Changed();
        return waiter.Task;
    }

    public void Start() => _loop.Start(this);

    /// <summary>
    /// Stops writing. This server's share stays and counts no longer; the other servers settle it once the debounce
    /// window has passed, so the users whose clients reconnect to them meanwhile never blink.
    /// </summary>
    /// <remarks>With Redis down its share is settled once its last renewal runs out, as a dead server's is.</remarks>
    public Task StopAsync(CancellationToken cancellationToken) => _loop.StopAsync(cancellationToken);

    async Task ILoopWriter.WriteAsync(bool heartbeat, bool afterFailure)
    {
        if (heartbeat)
        {
            await HeartbeatAsync().ConfigureAwait(false);
        }

        if (afterFailure)
        {
            // Everything here is written again, which also heals a Redis that lost its data.
            RewriteAll();
        }

        await PassAsync().ConfigureAwait(false);
    }

    async Task ILoopWriter.StopWriteAsync()
    {
        if (!connection.IsKnownDown)
        {
            var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            var settleAt = time.GetUtcNow() + options.CurrentValue.PresenceDebounce;
            await database.SortedSetAddAsync(Keys.PresenceServers, ServerId, settleAt.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }
    }

    void ILoopWriter.Failing(Exception exception) => RedisLog.PresenceWriteFailed(logger, exception);

    void ILoopWriter.Restored() => RedisLog.PresenceWriteRestored(logger);

    void ILoopWriter.StopWriteFailed(Exception exception) => RedisLog.PresenceWriteFailed(logger, exception);

    /// <summary>One script per organization with what changed here, what is due, and what may be released.</summary>
    private async Task PassAsync()
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var (dirty, checks, releases, waiting) = TakeDue(nowMs);
        if (dirty.Count + checks.Count + releases.Count == 0)
        {
            waiting?.TrySetResult();
            return;
        }

        var debounce = options.CurrentValue.PresenceDebounce;
        var batches = new Dictionary<string, PresenceBatch>(StringComparer.Ordinal);
        PresenceBatch BatchOf(string organizationId) =>
            batches.TryGetValue(organizationId, out var batch) ? batch : batches[organizationId] = new PresenceBatch(organizationId);

        var departed = new List<PresenceMember>();
        foreach (var member in dirty)
        {
            var (scope, userId) = (member.Room, member.UserId);
            var connections = local.Connections(scope, userId);
            var found = local.Find(scope, userId);
            BatchOf(scope.OrganizationId).Set(scope, userId, connections, found?.Since ?? now, found?.DisplayName);
            if (connections > 0)
            {
                continue;
            }

            if (debounce > TimeSpan.Zero)
            {
                departed.Add(member);
            }
            else
            {
                BatchOf(scope.OrganizationId).Check(scope, userId);
            }
        }

        foreach (var member in checks)
        {
            BatchOf(member.Room.OrganizationId).Check(member.Room, member.UserId);
        }

        foreach (var scope in releases)
        {
            BatchOf(scope.OrganizationId).Release(scope);
        }

        try
        {
            var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            await IndexAsync(database, batches.Keys).ConfigureAwait(false);
            var others = await registry.ReadOtherServersAsync(database, CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(batches.Values.Select(batch => RunAsync(database, batch, others, now))).ConfigureAwait(false);
        }
        catch
        {
            // Every operation can run again: counts are set, not added, and checks and releases only act when due.
            lock (_gate)
            {
                _dirty.UnionWith(dirty);
                foreach (var member in checks)
                {
                    _checks.Enqueue(member, nowMs);
                }

                foreach (var scope in releases)
                {
                    _releases[scope] = nowMs;
                }

                if (waiting is not null)
                {
                    // The next pass completes them, with whoever began to wait meanwhile.
                    var next = _waiting ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
                    next.Task.ContinueWith(static (_, state) => ((TaskCompletionSource)state!).TrySetResult(), waiting, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }

            throw;
        }

        waiting?.TrySetResult();

        // The user's window starts once Redis knows it left this server.
        var dueAt = nowMs + (long)debounce.TotalMilliseconds;
        lock (_gate)
        {
            foreach (var member in departed)
            {
                _checks.Enqueue(member, dueAt);
            }
        }
    }

    /// <summary>Runs one batch and acts on its results: metrics, and a release later for scopes still waiting.</summary>
    internal async Task RunAsync(IDatabase database, PresenceBatch batch, string[] otherServers, DateTimeOffset now)
    {
        var settings = options.CurrentValue;
        var run = new PresenceRun(
            settings.PresenceEventsPerSecond,
            settings.MaxPresenceListSize,
            settings.ShareOrganizationPresenceWithMembers,
            await topology.IsClusterAsync().ConfigureAwait(false),
            ShareTtl);
        var (keys, arguments) = batch.Build(Keys, ServerId, otherServers, now, run);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(PresenceScripts.Apply, keys, arguments).ConfigureAwait(false))!;
        for (var i = 0; i < batch.Scopes.Count; i++)
        {
            var scope = batch.Scopes[i];
            var (joined, left, waiting, retryAt) = ((long)result[4 * i], (long)result[(4 * i) + 1], (long)result[(4 * i) + 2], (long)result[(4 * i) + 3]);
            if (joined > 0)
            {
                metrics.PresenceEvent(scope.WireName, TenantRealtimeWire.PresenceTypes.Joined, joined);
            }

            if (left > 0)
            {
                metrics.PresenceEvent(scope.WireName, TenantRealtimeWire.PresenceTypes.Left, left);
            }

            if (waiting > 0)
            {
                metrics.PresenceDeferred(scope.WireName, waiting);
            }

            if (retryAt > 0)
            {
                lock (_gate)
                {
                    _releases[scope] = Math.Min(retryAt, _releases.GetValueOrDefault(scope, long.MaxValue));
                }

                _loop.Changed();
            }
        }
    }

    private (HashSet<PresenceMember> Dirty, List<PresenceMember> Checks, List<PresenceRoom> Releases, TaskCompletionSource? Waiting) TakeDue(long nowMs)
    {
        lock (_gate)
        {
            var dirty = _dirty;
            _dirty = [];
            var waiting = _waiting;
            _waiting = null;
            var checks = new List<PresenceMember>();
            while (_checks.TryPeek(out var member, out var due) && due <= nowMs)
            {
                _checks.Dequeue();
                checks.Add(member);
            }

            if (_checks.Count == 0)
            {
                // Let go of the room a mass disconnect's checks took.
                _checks.TrimExcess();
            }

            var releases = _releases.Where(pair => pair.Value <= nowMs).Select(pair => pair.Key).ToList();
            foreach (var scope in releases)
            {
                _releases.Remove(scope);
            }

            return (dirty, checks, releases, waiting);
        }
    }

    /// <summary>The next time something is due: the heartbeat, a debounce check, or a release.</summary>
    DateTimeOffset ILoopWriter.NextDue(DateTimeOffset heartbeat)
    {
        lock (_gate)
        {
            var next = heartbeat.ToUnixTimeMilliseconds();
            if (_checks.TryPeek(out _, out var check))
            {
                next = Math.Min(next, check);
            }

            if (_releases.Count > 0)
            {
                next = Math.Min(next, _releases.Values.Min());
            }

            return DateTimeOffset.FromUnixTimeMilliseconds(next);
        }
    }

    /// <summary>Marks every user connected here as changed, so the next pass writes this server's whole share.</summary>
    private void RewriteAll()
    {
        lock (_gate)
        {
            foreach (var (scope, userId) in local.Members())
            {
                _dirty.Add(new PresenceMember(scope, userId));
            }
        }
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
