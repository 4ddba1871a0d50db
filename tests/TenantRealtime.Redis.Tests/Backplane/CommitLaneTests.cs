using TenantRealtime.Recovery;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>
/// When a lane of the group commit sends: at once when idle, with the next call while one is in flight, and beside it
/// only for a full batch. The calls are fakes completed by the test, so every step is decided here, not by timing.
/// </summary>
public sealed class CommitLaneTests
{
    private const int FullBatch = 4;
    private const int MaxInFlight = 3;

    private readonly List<(List<AppendRequest> Batch, TaskCompletionSource<TenantEnvelope[]> Reply)> _calls = [];

    [Fact]
    public void ABroadcastOnAnIdleLaneGoesAtOnceAlone()
    {
        var lane = Lane();

        var request = Request(0);
        lane.Add(request);

        _calls.Should().ContainSingle().Which.Batch.Should().Equal(request);
        lane.InFlight.Should().Be(1);
    }

    [Fact]
    public async Task BroadcastsMadeWhileACallIsInFlightWaitAndGoTogetherInTheNextCall()
    {
        var lane = Lane();
        var first = Request(0);
        lane.Add(first);
        var waiting = Enumerable.Range(1, FullBatch - 1).Select(Request).ToList();
        waiting.ForEach(lane.Add);

        _calls.Should().HaveCount(1, "fewer than a full batch wait for the call in flight");

        Reply(0);
        (await first.Task).Seq.Should().Be(1);

        _calls.Should().HaveCount(2);
        _calls[1].Batch.Should().Equal(waiting, "the next call carries everything that waited, oldest first");
        Reply(1);
        (await Task.WhenAll(waiting.Select(r => r.Task))).Select(e => e.Seq).Should().Equal(1, 2, 3);
        lane.InFlight.Should().Be(0);
    }

    [Fact]
    public void AFullBatchStartsAnotherCallBesideTheOneInFlightUpToTheLimit()
    {
        var lane = Lane();
        lane.Add(Request(0));

        for (var i = 1; i <= FullBatch * MaxInFlight; i++)
        {
            lane.Add(Request(i));
        }

        _calls.Select(c => c.Batch.Count).Should().Equal([1, FullBatch, FullBatch], "each full batch starts a call until the limit");
        lane.InFlight.Should().Be(MaxInFlight);
    }

    [Fact]
    public async Task WhatWaitsBehindAFailedCallFailsWithItSoTheOutboxRetriesInOrder()
    {
        var lane = Lane();
        var first = Request(0);
        lane.Add(first);
        var behind = Request(1);
        lane.Add(behind);

        _calls[0].Reply.SetException(new InvalidOperationException("cut"));

        await FluentActions.Awaiting(() => first.Task).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => behind.Task).Should().ThrowAsync<InvalidOperationException>();
        _calls.Should().HaveCount(1, "nothing that waited overtakes the failed call");
        lane.InFlight.Should().Be(0);
    }

    private CommitLane Lane() => new(
        batch =>
        {
            var reply = new TaskCompletionSource<TenantEnvelope[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_calls)
            {
                _calls.Add((batch, reply));
            }

            return reply.Task;
        },
        maxCount: 64,
        maxBytes: 1 << 20,
        MaxInFlight,
        FullBatch);

    private void Reply(int call)
    {
        var batch = _calls[call].Batch;
        _calls[call].Reply.SetResult([.. batch.Select((r, i) => r.Broadcast.ToEnvelope(r.Room, i + 1, "e"))]);
    }

    private static AppendRequest Request(int n)
    {
        var broadcast = new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Tenant), "o", "t", null, "news", "updated", $"m-{n}", DateTimeOffset.UnixEpoch);
        return new AppendRequest("tenant:o:t", broadcast, [], new RoomPublication(RoomPublication.Publish, "c", [], "m", "s"), $"id-{n}", retry: false);
    }
}
