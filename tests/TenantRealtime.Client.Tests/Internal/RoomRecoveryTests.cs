using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client.Tests.Internal;

/// <summary>The client's recovery (order, dedupe, gap Resume, reload) on a fake clock, fed envelopes directly.</summary>
public sealed class RoomRecoveryTests : IDisposable
{
    private const string Room = "tenant:org-a:t1";
    private const string Epoch = "e1";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _applied = [];
    private readonly Recorder<ReloadRequiredEventArgs> _reloads = new();
    private readonly Recorder<IReadOnlyList<RoomPosition>> _resumes = new();
    private readonly RoomRecovery _recovery;
    private Func<IReadOnlyList<RoomPosition>, Task<ResumeResult?>> _server;

    public RoomRecoveryTests()
    {
        _server = positions => Task.FromResult<ResumeResult?>(Answer(positions, recovered: true));
        _recovery = new RoomRecovery(
            Window,
            _time,
            async (positions, _) =>
            {
                _resumes.Add(positions);
                return await _server(positions);
            },
            reload =>
            {
                _reloads.Add(reload);
                return Task.CompletedTask;
            },
            NullLogger.Instance);
    }

    [Fact]
    public async Task RecoveryAppliesOutOfOrderEnvelopesInSeqOrder()
    {
        await ReceiveAsync(1, 3, 5, 4, 2, 6);

        _applied.Should().Equal("1", "2", "3", "4", "5", "6");
        _resumes.Items.Should().BeEmpty();
        _recovery.GetPositions().Should().ContainSingle().Which.Should().BeEquivalentTo(new { Room, Epoch, Seq = 6L });
    }

    [Fact]
    public async Task RecoveryDropsEnvelopesAtOrBelowThePosition()
    {
        await ReceiveAsync(1, 2, 2, 1, 4, 4, 3, 3);

        _applied.Should().Equal("1", "2", "3", "4");
    }

    [Fact]
    public async Task RecoveryStartsARoomAtTheFirstEnvelopeSeen()
    {
        await ReceiveAsync(41, 42);

        _applied.Should().Equal("41", "42");
        _time.Advance(Window * 3);
        _resumes.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task RecoveryKeepsAPerRoomOrder()
    {
        await ReceiveAsync(1);
        await _recovery.ReceiveAsync(Envelope(1, room: "org:org-a"));
        await ReceiveAsync(3);
        await _recovery.ReceiveAsync(Envelope(2, room: "org:org-a"));
        await ReceiveAsync(2);

        _applied.Should().Equal("1", "org:org-a#1", "org:org-a#2", "2", "3");
    }

    [Fact]
    public async Task RecoveryResumesAGapStillOpenAfterTheWindowAndAppliesWhatItReplays()
    {
        _server = async positions =>
        {
            // The replay arrives as ordinary broadcasts before Resume answers.
            await _recovery.ReceiveAsync(Envelope(2));
            await _recovery.ReceiveAsync(Envelope(3));
            return Answer(positions, recovered: true, replayed: 2);
        };
        await ReceiveAsync(1, 3);

        _time.Advance(Window - TimeSpan.FromMilliseconds(1));
        _resumes.Items.Should().BeEmpty("the window has not passed yet");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var asked = (await _resumes.WaitForCountAsync(1)).Single();

        asked.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Room, Epoch, Seq = 1L });
        _applied.Should().Equal("1", "2", "3");
        _time.Advance(Window * 3);
        _reloads.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task RecoveryReloadsWhenAGapStaysOpenAfterResume()
    {
        await ReceiveAsync(1, 3, 4);

        _time.Advance(Window);
        await _resumes.WaitForCountAsync(1);
        _applied.Should().Equal("1");
        _time.Advance(Window);
        var reload = (await _reloads.WaitForCountAsync(1)).Single();

        reload.Should().BeEquivalentTo(new { Room, Reason = ReloadReason.GapNotFilled });
        _applied.Should().Equal("1", "3", "4");
        await ReceiveAsync(9, 10);
        _applied.Should().Equal(["1", "3", "4", "9", "10"], "after a reload the room starts afresh at the next envelope");
    }

    [Fact]
    public async Task RecoveryReloadsAtOnceWhenResumeCannotRecoverTheGap()
    {
        _server = positions => Task.FromResult<ResumeResult?>(Answer(positions, recovered: false));
        await ReceiveAsync(1, 3);

        _time.Advance(Window);
        var reload = (await _reloads.WaitForCountAsync(1)).Single();

        reload.Should().BeEquivalentTo(new { Room, Reason = ReloadReason.NotRecovered });
        _applied.Should().Equal("1", "3");
    }

    [Fact]
    public async Task RecoveryReloadsWhenResumeFailsOnALiveConnection()
    {
        _server = _ => Task.FromException<ResumeResult?>(new InvalidOperationException("boom"));
        await ReceiveAsync(1, 3);

        _time.Advance(Window);
        var reload = (await _reloads.WaitForCountAsync(1)).Single();

        reload.Reason.Should().Be(ReloadReason.ResumeFailed);
    }

    [Fact]
    public async Task RecoveryWaitsForTheReconnectWhenThereIsNoConnectionToAsk()
    {
        _server = _ => Task.FromResult<ResumeResult?>(null);
        await ReceiveAsync(1, 3);

        _time.Advance(Window);
        await _resumes.WaitForCountAsync(1);
        _time.Advance(Window);
        await _resumes.WaitForCountAsync(2);

        _reloads.Items.Should().BeEmpty("the Resume after the reconnect will ask from the same position");
        _applied.Should().Equal("1");
    }

    [Fact]
    public async Task RecoveryReloadsWhenTheEpochChanges()
    {
        await ReceiveAsync(1, 2);

        await _recovery.ReceiveAsync(Envelope(1, epoch: "e2"));
        await _recovery.ReceiveAsync(Envelope(2, epoch: "e2"));

        _reloads.Items.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Room, Reason = ReloadReason.EpochChanged });
        _applied.Should().Equal("1", "2", "1", "2");
        _recovery.GetPositions().Single().Should().BeEquivalentTo(new { Epoch = "e2", Seq = 2L });
    }

    [Fact]
    public async Task RecoveryPassesEnvelopesWithoutASeqStraightThrough()
    {
        await _recovery.ReceiveAsync(new InboundEnvelope(Room, null, null, () => Apply("a")));
        await _recovery.ReceiveAsync(new InboundEnvelope(null, null, null, () => Apply("b")));
        await _recovery.ReceiveAsync(new InboundEnvelope(Room, null, null, () => Apply("a")));

        _applied.Should().Equal("a", "b", "a");
        _recovery.GetPositions().Should().BeEmpty();
    }

    [Fact]
    public async Task RecoveryResumesEveryTrackedRoomAndReloadsThoseNotRecovered()
    {
        await ReceiveAsync(3);
        await _recovery.ReceiveAsync(Envelope(7, room: "org:org-a"));
        await _recovery.ReceiveAsync(Envelope(9, room: "org-admins:org-b"));
        _server = positions => Task.FromResult<ResumeResult?>(new ResumeResult(
        [
            new RoomResumeResult(Room, recovered: true, replayed: 0, error: null),
            new RoomResumeResult("org:org-a", recovered: false, replayed: 0, error: null),
            new RoomResumeResult("org-admins:org-b", recovered: false, replayed: 0, error: TenantRealtimeWire.Errors.Forbidden),
        ]));

        await _recovery.ResumeAllAsync(CancellationToken.None);

        _resumes.Items.Single().Select(p => (p.Room, p.Seq)).Should().BeEquivalentTo([(Room, 3L), ("org:org-a", 7L), ("org-admins:org-b", 9L)]);
        _reloads.Items.Select(r => (r.Room, r.Reason)).Should().BeEquivalentTo([("org:org-a", ReloadReason.NotRecovered), ("org-admins:org-b", ReloadReason.Forbidden)]);
        _recovery.GetPositions().Select(p => p.Room).Should().BeEquivalentTo([Room, "org:org-a"], "a room the connection no longer holds is forgotten");
    }

    [Fact]
    public async Task RecoveryStartsARoomAfreshAfterAReset()
    {
        await ReceiveAsync(1, 3);

        _recovery.ResetRoom(Room);
        await ReceiveAsync(10, 11);

        _applied.Should().Equal(["1", "10", "11"], "the held envelope is dropped and the next one starts the room");
        _time.Advance(Window * 3);
        _resumes.Items.Should().BeEmpty();
    }

    public void Dispose() => _recovery.Dispose();

    private static ResumeResult Answer(IReadOnlyList<RoomPosition> positions, bool recovered, int replayed = 0) =>
        new([.. positions.Select(p => new RoomResumeResult(p.Room, recovered, replayed, error: null))]);

    private async Task ReceiveAsync(params long[] seqs)
    {
        foreach (var seq in seqs)
        {
            await _recovery.ReceiveAsync(Envelope(seq));
        }
    }

    private InboundEnvelope Envelope(long seq, string room = Room, string epoch = Epoch) =>
        new(room, seq, epoch, () => Apply(room == Room ? seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{room}#{seq}"));

    private Task Apply(string marker)
    {
        lock (_applied)
        {
            _applied.Add(marker);
        }

        return Task.CompletedTask;
    }
}
