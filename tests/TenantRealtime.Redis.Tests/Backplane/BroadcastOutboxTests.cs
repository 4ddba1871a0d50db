using TenantRealtime.Recovery;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.Tests.Backplane;

public sealed class BroadcastOutboxTests
{
    [Fact]
    public void OutboxHandsOutBroadcastsOldestFirst()
    {
        var outbox = new BroadcastOutbox(10);
        var items = Enumerable.Range(0, 5).Select(Item).ToList();
        items.ForEach(i => outbox.Enqueue(i).Should().BeNull());

        Drain(outbox).Should().Equal(items);
    }

    [Fact]
    public void OutboxGivesUpTheOldestWhenFull()
    {
        var outbox = new BroadcastOutbox(3);
        var items = Enumerable.Range(0, 5).Select(Item).ToList();

        var dropped = items.Select(outbox.Enqueue).Where(d => d is not null).ToList();

        dropped.Should().Equal(items[0], items[1]);
        outbox.Count.Should().Be(3);
        Drain(outbox).Should().Equal(items[2], items[3], items[4]);
    }

    [Fact]
    public void OutboxQueuesANewBroadcastBehindWaitingOnesButNotWhenNoneWait()
    {
        var outbox = new BroadcastOutbox(3);

        outbox.EnqueueIfBacklogged(Item(0), out _).Should().BeFalse("with nothing waiting a broadcast goes straight to Redis");
        outbox.Count.Should().Be(0);

        var first = Item(1);
        outbox.Enqueue(first);
        var second = Item(2);
        outbox.EnqueueIfBacklogged(second, out var dropped).Should().BeTrue();
        dropped.Should().BeNull();
        Drain(outbox).Should().Equal(first, second);
    }

    [Fact]
    public void OutboxKeepsTheHeadUntilItIsCompleted()
    {
        var outbox = new BroadcastOutbox(2);
        var head = Item(0);
        outbox.Enqueue(head);

        outbox.PeekOldest(1).Should().ContainSingle().Which.Should().BeSameAs(head);
        outbox.Count.Should().Be(1, "the drainer removes an item only once it is numbered and sent");

        outbox.Enqueue(Item(1));
        outbox.Enqueue(Item(2)); // gives up the head while the drainer is busy with it
        outbox.Complete(head);

        outbox.Count.Should().Be(2, "completing an item given up meanwhile removes nothing else");
    }

    [Fact]
    public void OutboxRefusesANonPositiveCapacity() =>
        FluentActions.Invoking(() => new BroadcastOutbox(0)).Should().Throw<ArgumentOutOfRangeException>();

    private static List<OutboxItem> Drain(BroadcastOutbox outbox)
    {
        var drained = new List<OutboxItem>();
        while (outbox.PeekOldest(1) is [var item])
        {
            drained.Add(item);
            outbox.Complete(item);
        }

        return drained;
    }

    private static OutboxItem Item(int n) => new(
        new BroadcastTarget("org:o", ["org:o"]),
        new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Organization), "o", null, null, "news", "created", $"m-{n}", DateTimeOffset.UnixEpoch));
}
