using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Recovery;
using TenantRealtime.Rooms.Internal;
using TenantRealtime.Testing.Specification;

namespace TenantRealtime.Tests.Recovery;

/// <summary>The shared history behaviour in this server's memory (the default), plus how it keeps and forgets rooms.</summary>
public sealed class InMemoryRoomHistoryTests : RoomHistoryTests
{
    private InMemoryRoomHistory Memory => (InMemoryRoomHistory)Services.GetRequiredService<IRoomHistory>();

    internal override Task<TenantEnvelope> NumberAsync(OutgoingBroadcast broadcast)
    {
        using var numbered = Memory.Number(Room, broadcast);
        return Task.FromResult(numbered.Envelope);
    }

    [Fact]
    public async Task ForgetsARoomIdleLongerThanTheWindowAndAMinuteAndStartsANewEpoch()
    {
        var envelope = await AppendAsync("one");
        Time.Advance(MaxAge + TimeSpan.FromSeconds(30));
        Memory.RoomCount.Should().Be(1, "a room is remembered a minute past the window");

        Time.Advance(MaxAge + TimeSpan.FromSeconds(31));

        Memory.RoomCount.Should().Be(0);
        (await History.ReadAfterAsync(Room, envelope.Epoch!, 1, default)).Recovered.Should().BeFalse();
        var next = await AppendAsync("two");
        next.Seq.Should().Be(1);
        next.Epoch.Should().NotBe(envelope.Epoch);
    }

    [Fact]
    public async Task KeepsLargeAndManyBroadcastsIntactAcrossItsChunks()
    {
        // Payloads from a few bytes to beyond a chunk, many times the window: every read returns exactly what was
        // sent, in order, whichever chunks held it.
        var sent = new List<string>();
        TenantEnvelope last = null!;
        for (var i = 0; i < 300; i++)
        {
            var text = $"{i}:" + new string((char)('a' + (i % 26)), i % 7 == 0 ? 20_000 + i : i * 13);
            sent.Add(text);
            last = await AppendAsync(text);
            if (i % 37 == 0)
            {
                var read = await History.ReadAfterAsync(Room, last.Epoch!, Math.Max(0, i + 1 - Window), default);
                read.Entries.Select(e => e.Envelope.Data).Should().Equal(sent.Skip(Math.Max(0, i + 1 - Window)));
            }
        }

        var all = await History.ReadAfterAsync(Room, last.Epoch!, 300 - Window, default);
        all.Recovered.Should().BeTrue();
        all.Entries.Select(e => e.Envelope.Seq).Should().Equal(Enumerable.Range(301 - Window, Window).Select(i => (long?)i));
        all.Entries.Select(e => e.Envelope.Data).Should().Equal(sent.TakeLast(Window));
        all.Entries.Should().AllSatisfy(e => e.EventName.Should().Be("news"));
    }

    [Fact]
    public void KeepsBytesWhenEveryHubProtocolIsJson() =>
        Memory.KeepsBytes.Should().BeTrue("the default hub speaks JSON only");

    [Fact]
    public async Task KeepsTheCallersObjectsWhenMessagePackIsRegisteredToo()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTenantRealtime();
        services.AddSignalR().AddMessagePackProtocol();
        await using var provider = services.BuildServiceProvider();
        var history = (InMemoryRoomHistory)provider.GetRequiredService<IRoomHistory>();
        var data = new { Marker = "live" };

        TenantEnvelope sent;
        using (var numbered = history.Number(Room, new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Tenant), "o", "t", null, "news", "updated", data, Time.GetUtcNow())))
        {
            sent = numbered.Envelope;
        }

        var read = await history.ReadAfterAsync(Room, sent.Epoch!, 0, default);

        history.KeepsBytes.Should().BeFalse();
        read.Entries.Single().Envelope.Data.Should().BeSameAs(data, "MessagePack spells the object's own member names, which JSON would have camel-cased");
    }

    protected override Task ConfigureAsync(ITenantRealtimeBuilder builder) => Task.CompletedTask;
}
