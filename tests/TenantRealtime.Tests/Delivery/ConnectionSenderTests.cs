using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using TenantRealtime.Delivery;

namespace TenantRealtime.Tests.Delivery;

/// <summary>
/// The bounded sender over a real <see cref="HubConnectionContext"/> whose transport is an in-memory pipe with a small
/// pause threshold: a client that stops reading is a test that stops reading the pipe, so stalls are exact.
/// </summary>
public sealed class ConnectionSenderTests : IAsyncDisposable
{
    private const int PauseAt = 4 * 1024;
    private static readonly JsonHubProtocol Json = new();

    private readonly Pipe _toClient = new(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: PauseAt / 2, useSynchronizationContext: false));
    private readonly Pipe _fromClient = new();
    private readonly HubConnectionContext _connection;
    private readonly SendBacklog _backlog = new();
    private readonly List<(long Bytes, int Messages)> _cut = [];

    public ConnectionSenderTests()
    {
        var transport = new TestSenders.DuplexPipe(_fromClient.Reader, _toClient.Writer);
        var application = new TestSenders.DuplexPipe(_toClient.Reader, _fromClient.Writer);
        _connection = new HubConnectionContext(new DefaultConnectionContext("c1", transport, application), new HubConnectionContextOptions(), NullLoggerFactory.Instance)
        {
            Protocol = Json,
        };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ConnectionSender NewSender(long maxBytes = 64 * 1024, int maxMessages = 1_000) =>
        new(_connection, new SendLimits(maxBytes, maxMessages), _backlog) { OverBound = (_, bytes, messages) => _cut.Add((bytes, messages)) };

    private static SerializedHubMessage Message(string marker, int padding = 0) =>
        new(new InvocationMessage("news", [new { data = marker, pad = new string('x', padding) }]));

    [Fact]
    public async Task SenderWritesInlineWhileTheClientKeepsUp()
    {
        var sender = NewSender();

        sender.Send(Message("a"));
        sender.Send(Message("b"));

        _backlog.Bytes.Should().Be(0, "nothing waited");
        (await ReadMarkersAsync(2)).Should().Equal("a", "b");
    }

    [Fact]
    public async Task SenderQueuesWhileAFlushIsPendingAndWritesInOrderOnceTheClientReads()
    {
        var sender = NewSender();

        // Over the pause threshold: the first write's flush stays pending, the rest queue.
        sender.Send(Message("big", padding: PauseAt * 2));
        for (var i = 0; i < 5; i++)
        {
            sender.Send(Message($"m{i}"));
        }

        _backlog.Bytes.Should().BeGreaterThan(0);
        (await ReadMarkersAsync(6)).Should().Equal("big", "m0", "m1", "m2", "m3", "m4");
        _backlog.Bytes.Should().Be(0);
        _cut.Should().BeEmpty();
    }

    [Fact]
    public void SenderCutsLooseAConnectionOverItsByteBoundAndSendsNothingMore()
    {
        var sender = NewSender(maxBytes: 64 * 1024);

        sender.Send(Message("stuck", padding: PauseAt * 2));
        for (var i = 0; i < 20; i++)
        {
            sender.Send(Message($"m{i}", padding: 8 * 1024));
        }

        _cut.Should().ContainSingle().Which.Bytes.Should().BeGreaterThan(64 * 1024);
        _backlog.Bytes.Should().Be(0, "the cut connection's queue is dropped at once");
        sender.Send(Message("after"));
        _backlog.Bytes.Should().Be(0);
    }

    [Fact]
    public void SenderCutsLooseAConnectionOverItsMessageBound()
    {
        var sender = NewSender(maxMessages: 16);

        sender.Send(Message("stuck", padding: PauseAt * 2));
        for (var i = 0; i < 17; i++)
        {
            sender.Send(Message($"m{i}"));
        }

        _cut.Should().ContainSingle().Which.Messages.Should().Be(17);
    }

    [Fact]
    public async Task AQueuedStateChangeIsReplacedByTheNextOneOfItsKeyAndTheConnectionIsNeverCutLoose()
    {
        // 1,000 flips of 2 KB each are 2 MB: 30 times the byte bound, had they queued like broadcasts.
        var sender = NewSender(maxBytes: 64 * 1024, maxMessages: 100);

        sender.Send(Message("stuck", padding: PauseAt * 2));
        for (var i = 1; i <= 1_000; i++)
        {
            sender.SendStateChange(Message($"svc-{i}", padding: 2 * 1024), "tenant:o:t", "svc");
        }

        _cut.Should().BeEmpty("state changes are bounded by their keys, not cut off");
        _backlog.ReplacedChanges.Should().Be(999);
        _backlog.Bytes.Should().BeLessThan(3 * 1024, "only the latest change waits");
        (await ReadMarkersAsync(2)).Should().Equal("stuck", "svc-1000");
        _backlog.Bytes.Should().Be(0);
    }

    [Fact]
    public async Task AReplacingChangeGoesAfterWhatWasQueuedBeforeItAndOtherKeysAndBroadcastsStay()
    {
        var sender = NewSender();

        sender.Send(Message("stuck", padding: PauseAt * 2));
        sender.Send(Message("b1"), "tenant:o:t", 1);
        sender.SendStateChange(Message("k=1"), "tenant:o:t", "k");
        sender.SendStateChange(Message("j=1"), "tenant:o:t", "j");
        sender.SendStateChange(Message("other-room k=1"), "tenant:o:u", "k");
        sender.Send(Message("b2"), "tenant:o:t", 2);
        sender.SendStateChange(Message("k=2"), "tenant:o:t", "k");
        sender.Send(Message("b3"), "tenant:o:t", 3);

        // A broadcast sent before a change always arrives before it; the replaced k=1 never arrives, k=2 after b2.
        (await ReadMarkersAsync(7)).Should().Equal("stuck", "b1", "j=1", "other-room k=1", "b2", "k=2", "b3");
        _cut.Should().BeEmpty();
    }

    [Fact]
    public void AKeyFlippedForeverAtAPausedReaderKeepsItsQueueBounded()
    {
        var queue = new SendQueue();

        queue.EnqueueChange(new Outgoing(Message("steady"), "tenant:o:t", "steady"), "tenant:o:t", "steady");
        for (var i = 1; i <= 10_000; i++)
        {
            queue.EnqueueChange(new Outgoing(Message($"flip-{i}"), "tenant:o:t", "flip"), "tenant:o:t", "flip");
        }

        // Replaced changes leave empty slots until the queue is compacted: never one slot per flip.
        queue.Count.Should().BeLessThan(200);
        queue.Items().Select(item => item.ChangeKey).Should().Equal("steady", "flip");
        queue.Dequeue().ChangeKey.Should().Be("steady");
        queue.EnqueueChange(new Outgoing(Message("flip-last"), "tenant:o:t", "flip"), "tenant:o:t", "flip").Should().NotBeNull("the queued flip is found after compactions and dequeues");
        queue.Items().Should().ContainSingle();
    }

    [Fact]
    public async Task AStateChangeQueuedBehindAReplayIsNeverTakenForAReplayedBroadcast()
    {
        var sender = NewSender();

        var slot = sender.BeginReplay();
        sender.SendStateChange(Message("k=1"), "tenant:o:t", "k");
        sender.CompleteReplay(slot, [Replayed("replay-2", 2)]);

        await slot.Written.WaitAsync(TimeSpan.FromSeconds(5));
        (await ReadMarkersAsync(2)).Should().Equal("replay-2", "k=1");
    }

    [Fact]
    public async Task LiveBroadcastsWaitBehindAReplayAndThoseItReplaysAreNotWrittenTwice()
    {
        var sender = NewSender();

        var slot = sender.BeginReplay();
        sender.Send(Message("live-3"), "tenant:o:t", 3);
        sender.Send(Message("live-4"), "tenant:o:t", 4);
        sender.CompleteReplay(slot, [Replayed("replay-2", 2), Replayed("replay-3", 3)]);

        await slot.Written.WaitAsync(TimeSpan.FromSeconds(5));
        (await ReadMarkersAsync(3)).Should().Equal("replay-2", "replay-3", "live-4");
    }

    [Fact]
    public async Task AReplayIsPacedByTheClientAndNeverCountsAgainstTheBound()
    {
        var sender = NewSender(maxBytes: 64 * 1024);
        var entries = Enumerable.Range(1, 40).Select(i => Replayed($"r{i}", i, padding: 4 * 1024)).ToList();

        var slot = sender.BeginReplay();
        sender.CompleteReplay(slot, entries);

        slot.Written.IsCompleted.Should().BeFalse("160 KB cannot be written before the client reads");
        _cut.Should().BeEmpty();
        (await ReadMarkersAsync(40)).Should().Equal(entries.Select((_, i) => $"r{i + 1}"));
        await slot.Written.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ClosingEndsAReplayInProgress()
    {
        var sender = NewSender();
        var slot = sender.BeginReplay();

        sender.Close();

        await slot.Written.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static Outgoing Replayed(string marker, long seq, int padding = 0) =>
        new(new InvocationMessage("news", [new { data = marker, pad = new string('x', padding) }]), "tenant:o:t", seq);

    /// <summary>Reads <paramref name="count"/> records from the client side of the pipe and returns their markers.</summary>
    private async Task<List<string>> ReadMarkersAsync(int count)
    {
        var markers = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (markers.Count < count)
        {
            var result = await _toClient.Reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            while (TryReadRecord(ref buffer, out var record))
            {
                var text = Encoding.UTF8.GetString(record);
                var start = text.IndexOf("\"data\":\"", StringComparison.Ordinal) + 8;
                markers.Add(text[start..text.IndexOf('"', start)]);
            }

            _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return markers;
    }

    private static bool TryReadRecord(ref ReadOnlySequence<byte> buffer, out byte[] record)
    {
        var end = buffer.PositionOf((byte)0x1e);
        if (end is null)
        {
            record = [];
            return false;
        }

        record = buffer.Slice(0, end.Value).ToArray();
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }

}
