using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.RedisConnection;

/// <summary>
/// The loop both the registry's heartbeat and the presence writer run on, on a fake clock: a change is written at once,
/// everything at each heartbeat; failures are told once and retried at the next heartbeat only (not on every change),
/// with the pass after them told so; a graceful stop ends with the writer's last write.
/// </summary>
public sealed class WriteLoopTests : IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly RecordingWriter _writer = new();
    private readonly WriteLoop _loop;

    public WriteLoopTests() =>
        _loop = new WriteLoop(
            new SharedRedisConnection(Options.Create(new TenantRealtimeRedisOptions { ChannelPrefix = "tests" }), null!, NullLogger<SharedRedisConnection>.Instance),
            Heartbeat,
            _time);

    [Fact]
    public async Task ItWritesEverythingAtEachHeartbeatAndAChangeAtOnce()
    {
        _loop.Start(_writer);
        (await _writer.NextPassAsync()).Should().Be("heartbeat");

        _loop.Changed();
        (await _writer.NextPassAsync()).Should().Be("changes");

        (await PassAfterAsync(Heartbeat)).Should().Be("heartbeat");
    }

    [Fact]
    public async Task FailuresAreToldOnceRetriedAtTheHeartbeatAndThePassAfterThemKnows()
    {
        _writer.Fail = true;
        _loop.Start(_writer);
        (await _writer.NextPassAsync()).Should().Be("heartbeat");

        // While failing, a change waits for the heartbeat rather than hammering a Redis that is down.
        _loop.Changed();
        await Task.Delay(200);
        _writer.Passes.Should().Be(1);

        (await PassAfterAsync(Heartbeat)).Should().Be("heartbeat after failure");
        _writer.Fail = false;
        (await PassAfterAsync(Heartbeat)).Should().Be("heartbeat after failure");

        // A pass is recorded as it starts; the loop tells of the restored writes once it has ended, on its own thread.
        await Eventually.HoldsAsync(() => _writer.Told.Count == 2, "the pass after the failures is told");
        _writer.Told.Should().Equal("failing", "restored");
    }

    [Fact]
    public async Task NothingOfItsOwnDueSoonerThanTheHeartbeatWaitsForIt()
    {
        _writer.Due = _time.GetUtcNow() + TimeSpan.FromSeconds(1);
        _loop.Start(_writer);
        (await _writer.NextPassAsync()).Should().Be("heartbeat");

        (await PassAfterAsync(TimeSpan.FromSeconds(1))).Should().Be("changes");
    }

    [Fact]
    public async Task AGracefulStopEndsTheLoopThenMakesTheLastWriteAndTellsOfItsFailure()
    {
        _loop.Start(_writer);
        await _writer.NextPassAsync();

        await _loop.StopAsync(CancellationToken.None);
        _writer.Told.Should().Equal("stop write");

        var other = new RecordingWriter { Fail = true };
        await using var loop = new WriteLoop(
            new SharedRedisConnection(Options.Create(new TenantRealtimeRedisOptions { ChannelPrefix = "tests" }), null!, NullLogger<SharedRedisConnection>.Instance),
            Heartbeat,
            _time);
        loop.Start(other);
        await other.NextPassAsync();
        await loop.StopAsync(CancellationToken.None);
        other.Told.Should().Equal("failing", "stop write", "stop write failed");
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    /// <summary>
    /// Advances the clock until the loop makes its next pass: once, unless the loop read the clock just before an advance
    /// and armed its wait just after it (then the wait ends one step later).
    /// </summary>
    private async Task<string> PassAfterAsync(TimeSpan step)
    {
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(step);
            if (await _writer.TryNextPassAsync(TimeSpan.FromSeconds(1)) is { } pass)
            {
                return pass;
            }
        }

        throw new TimeoutException("The loop made no pass.");
    }

    private sealed class RecordingWriter : ILoopWriter
    {
        private readonly Channel<string> _passes = Channel.CreateUnbounded<string>();
        private int _passCount;

        public volatile bool Fail;

        public DateTimeOffset? Due { get; set; }

        public int Passes => Volatile.Read(ref _passCount);

        private readonly List<string> _told = [];

        /// <summary>Gets what the loop told, as a copy: the loop adds from its own thread.</summary>
        public IReadOnlyList<string> Told
        {
            get
            {
                lock (_told)
                {
                    return [.. _told];
                }
            }
        }

        public async Task<string> NextPassAsync() => await TryNextPassAsync(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("No pass.");

        public async Task<string?> TryNextPassAsync(TimeSpan wait)
        {
            // A cancelled read takes nothing, so the pass it missed is there for the next one.
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                return await _passes.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public Task WriteAsync(bool heartbeat, bool afterFailure)
        {
            Interlocked.Increment(ref _passCount);
            if (!heartbeat)
            {
                Due = null;
            }

            // Read before the pass is told: a test that changes Fail once it sees this pass means the next one.
            var fail = Fail;
            _passes.Writer.TryWrite((heartbeat ? "heartbeat" : "changes") + (afterFailure ? " after failure" : ""));
            return fail ? Task.FromException(new RedisConnectionException(ConnectionFailureType.SocketFailure, "down")) : Task.CompletedTask;
        }

        public DateTimeOffset NextDue(DateTimeOffset heartbeat) => Due is { } due && due < heartbeat ? due : heartbeat;

        public Task StopWriteAsync()
        {
            Tell("stop write");
            return Fail ? Task.FromException(new RedisConnectionException(ConnectionFailureType.SocketFailure, "down")) : Task.CompletedTask;
        }

        public void Failing(Exception exception) => Tell("failing");

        public void Restored() => Tell("restored");

        public void StopWriteFailed(Exception exception) => Tell("stop write failed");

        private void Tell(string what)
        {
            lock (_told)
            {
                _told.Add(what);
            }
        }
    }
}
