using Microsoft.Extensions.Time.Testing;
using TenantRealtime.State.Internal;

namespace TenantRealtime.Tests.State;

/// <summary>
/// The one slot timer: keys go out at their slot or at most <see cref="StateSlots.MaxLate"/> after it, many keys per
/// wake-up; a caller's <see cref="StateSlots{TRoom}.SendDue"/> sends keys due by then first.
/// </summary>
public sealed class StateSlotsTests
{
    [Fact]
    public void AThousandKeysDueOverASecondGoOutOnAtMostOneWakeUpPerTickNeverEarlyNorMoreThanTwoTicksLate()
    {
        // A start on the timer's grid: the test moves the clock in 1 ms steps and a callback sees the step's time, so from
        // a start just short of a grid line the first key's wake-up would be seen up to 1 ms after it (failed 1 run in ~60).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var room = new KeyedState("tenant:o:t", "epoch");
        var due = new Dictionary<string, long>();
        var sent = new List<(string Key, long At)>();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add((key, time.GetTimestamp())));
        var start = time.GetTimestamp();
        var random = new Random(7);
        for (var i = 0; i < 1_000; i++)
        {
            var key = $"k{i}";
            due[key] = start + (long)(random.NextDouble() * time.TimestampFrequency);
            slots.Schedule(room, key, due[key]);
        }

        for (var ms = 0; ms < 1_100; ms++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        sent.Select(s => s.Key).Should().BeEquivalentTo(due.Keys, "every key goes out once");
        var late = (long)(StateSlots.MaxLate.TotalSeconds * time.TimestampFrequency);
        sent.Should().OnlyContain(s => s.At >= due[s.Key] && s.At <= due[s.Key] + late, "at its slot, or at most two ticks after it");
        sent.Select(s => s.At).Distinct().Count().Should().BeLessThanOrEqualTo(1_000 / 5 + 2, "a wake-up per tick of 5 ms, not one per key");
    }

    [Fact]
    public void AKeyScheduledAgainWhileItWaitsGoesOutOnceAndCanBeScheduledAfterwards()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var room = new KeyedState("tenant:o:t", "epoch");
        var sent = new List<string>();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add(key));
        var due = time.GetTimestamp() + (time.TimestampFrequency / 10);

        slots.Schedule(room, "k", due);
        slots.Schedule(room, "k", due + time.TimestampFrequency);
        time.Advance(TimeSpan.FromMilliseconds(100) + StateSlots.MaxLate);
        sent.Should().Equal(["k"], "a key waits once; its flush decides whether it waits again");

        slots.Schedule(room, "k", time.GetTimestamp());
        time.Advance(StateSlots.MaxLate);
        sent.Should().Equal(["k", "k"]);
    }

    [Fact]
    public void AKeyScheduledEarlierWhileItWaitsGoesOutAtTheEarlierTimeOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var room = new KeyedState("tenant:o:t", "epoch");
        var sent = new List<(string Key, long At)>();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add((key, time.GetTimestamp())));
        var start = time.GetTimestamp();

        // An expiry moved 30 days closer: the key must not wait for its first time.
        slots.Schedule(room, "k", start + (time.TimestampFrequency * 3600));
        slots.Schedule(room, "k", start + time.TimestampFrequency);
        time.Advance(TimeSpan.FromSeconds(1) + StateSlots.MaxLate);
        sent.Select(s => s.Key).Should().Equal(["k"]);

        time.Advance(TimeSpan.FromHours(1));
        sent.Should().ContainSingle("the later entry was replaced by the earlier one; its flush schedules anew if need be");
    }

    [Fact]
    public void AKeyBroughtForwardAgainAndAgainLeavesABoundedQueueAndGoesOutOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var room = new KeyedState("tenant:o:t", "epoch");
        var sent = new List<string>();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add(key));
        var start = time.GetTimestamp();

        for (var i = 1_000; i > 0; i--)
        {
            slots.Schedule(room, "k", start + (time.TimestampFrequency * i));
        }

        slots.Queued.Should().BeLessThanOrEqualTo(66, "the stale later entries are dropped before they outnumber the waiting keys");
        time.Advance(TimeSpan.FromSeconds(1) + StateSlots.MaxLate);
        time.Advance(TimeSpan.FromSeconds(1_000));
        sent.Should().Equal(["k"]);
    }

    [Fact]
    public void AKeyDueGoesOutWithTheNextCallersSendDueAtOnceAndTheTimerDoesNotSendItAgain()
    {
        var (time, room, sent) = Clock();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add((key, time.GetTimestamp())));
        var due = time.GetTimestamp() + (time.TimestampFrequency / 4);
        slots.Schedule(room, "k", due);

        slots.SendDue();
        time.Advance(TimeSpan.FromMilliseconds(249));
        slots.SendDue();
        sent.Should().BeEmpty("never before its slot");

        time.Advance(TimeSpan.FromMilliseconds(1));
        slots.SendDue();
        sent.Should().Equal([("k", due)], "a caller after the slot sends it then, not a tick later");

        time.Advance(TimeSpan.FromSeconds(1));
        sent.Should().ContainSingle("the timer finds nothing left to send");
    }

    [Fact]
    public void ACallerSendsAtMostItsShareAndTheTimerSendsTheRestWithinTwoTicks()
    {
        var (time, room, sent) = Clock();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add((key, time.GetTimestamp())));
        var due = time.GetTimestamp() + (time.TimestampFrequency / 10);
        var keys = Enumerable.Range(0, StateSlots.MaxSentByCaller + 10).Select(i => $"k{i}").ToList();
        foreach (var key in keys)
        {
            slots.Schedule(room, key, due);
        }

        time.Advance(TimeSpan.FromMilliseconds(100));
        slots.SendDue();
        sent.Should().HaveCount(StateSlots.MaxSentByCaller, "one caller sends a bounded share on its own thread");

        time.Advance(StateSlots.MaxLate);
        sent.Select(s => s.Key).Should().BeEquivalentTo(keys, "the timer sends the rest, each once");
        var late = (long)(StateSlots.MaxLate.TotalSeconds * time.TimestampFrequency);
        sent.Should().OnlyContain(s => s.At <= due + late);
    }

    [Fact]
    public void AfterACallerSentTheDueKeysTheTimerWaitsForTheNextOneAndSendsItOnTime()
    {
        var (time, room, sent) = Clock();
        using var slots = new StateSlots<KeyedState>(time, (_, key) => sent.Add((key, time.GetTimestamp())));
        var start = time.GetTimestamp();
        var second = start + (time.TimestampFrequency / 2);
        slots.Schedule(room, "first", start + (time.TimestampFrequency / 10));
        slots.Schedule(room, "second", second);

        time.Advance(TimeSpan.FromMilliseconds(100));
        slots.SendDue();
        sent.Select(s => s.Key).Should().Equal(["first"]);

        time.Advance(TimeSpan.FromMilliseconds(400) + StateSlots.MaxLate);
        sent.Select(s => s.Key).Should().Equal(["first", "second"], "no caller came: the timer, pushed back, still sends the next key");
        var late = (long)(StateSlots.MaxLate.TotalSeconds * time.TimestampFrequency);
        sent[1].At.Should().BeInRange(second, second + late);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(1_000)]
    public void AKeysNextSlotIsAtLeastOneOverTheRateLaterAtMostATenthMoreAndOnAGridSharedByItsRate(int rate)
    {
        const long Frequency = 10_000_000;
        var slot = Frequency / rate;
        var grid = (Frequency + (10L * rate) - 1) / (10L * rate);
        var random = new Random(rate);
        for (var i = 0; i < 1_000; i++)
        {
            var now = random.NextInt64(1, long.MaxValue / 4);
            var next = StateSlots.NextSlot(now, rate, Frequency);
            (next - now).Should().BeGreaterThanOrEqualTo(slot, "the rate bound: never two changes of a key closer than 1 / the rate");
            (next - now).Should().BeLessThanOrEqualTo(11 * grid, "a merged change waits at most a tenth of a slot more");
            (next % grid).Should().Be(0, "on the grid, so keys that went out close together come due together");
            StateSlots.NextSlot((now / grid * grid) + 1, rate, Frequency).Should().Be(StateSlots.NextSlot((now / grid * grid) + grid, rate, Frequency), "one grid cell, one slot");
        }
    }

    /// <summary>A fake clock on a whole second (on the timer's grid), a room, and the list a slot timer's sends go to.</summary>
    private static (FakeTimeProvider Time, KeyedState Room, List<(string Key, long At)> Sent) Clock() =>
        (new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)), new KeyedState("tenant:o:t", "epoch"), []);
}
