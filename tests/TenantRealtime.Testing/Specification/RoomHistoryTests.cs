using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TenantRealtime.Recovery;
using TenantRealtime.Rooms.Internal;
using Xunit;

namespace TenantRealtime.Testing.Specification;

/// <summary>
/// The room history on its own, whichever keeps it (this server's memory or Redis): numbering, what a read returns,
/// the count and age windows, and that a replay is what was sent.
/// </summary>
public abstract class RoomHistoryTests : IAsyncLifetime
{
    protected const int Window = 5;

    protected static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private ServiceProvider? _services;

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected string Room { get; } = "tenant:o:" + Guid.NewGuid().ToString("N")[..8];

    protected IServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialized.");

    internal IRoomHistory History => Services.GetRequiredService<IRoomHistory>();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        var builder = services.AddTenantRealtime(o =>
        {
            o.HistoryMaxMessages = Window;
            o.HistoryMaxAge = MaxAge;
        });
        await ConfigureAsync(builder);
        _services = services.BuildServiceProvider();
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task NumbersBroadcastsAndReplaysThemAsPlainValues()
    {
        var first = await AppendAsync(new { name = "api", nested = new { count = 2 }, list = new[] { 1, 2 }, ok = true, ratio = 0.5 });
        var second = await AppendAsync("second");

        (first.Seq, second.Seq).Should().Be((1L, 2L));
        second.Epoch.Should().Be(first.Epoch).And.NotBeNullOrEmpty();

        var read = await History.ReadAfterAsync(Room, first.Epoch!, 0, default);

        read.Recovered.Should().BeTrue();
        read.Entries.Select(e => e.EventName).Should().Equal("news", "news");
        var replayed = read.Entries[0].Envelope;
        replayed.Should().BeEquivalentTo(first, o => o.Excluding(e => e.Data));
        replayed.Data.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["name"] = "api",
            ["nested"] = new Dictionary<string, object?> { ["count"] = 2L },
            ["list"] = new List<object?> { 1L, 2L },
            ["ok"] = true,
            ["ratio"] = 0.5,
        });
        var data = replayed.Data.Should().BeOfType<Dictionary<string, object?>>("MessagePack clients must get a map, not a JsonElement").Subject;
        ((Dictionary<string, object?>)data["nested"]!)["count"].Should().BeOfType<long>("an integer must replay as an integer, not a double");
        ((List<object?>)data["list"]!).Should().AllBeOfType<long>();
        data["ratio"].Should().BeOfType<double>();
        read.Entries[1].Envelope.Data.Should().Be("second");
    }

    [Fact]
    public async Task ReplaysWhatWasSentEvenIfTheCallerChangesItsObjectAfterwards()
    {
        var service = new Dictionary<string, object?> { ["status"] = "degraded" };
        var sent = await AppendAsync(service);
        service["status"] = "operational";

        var read = await History.ReadAfterAsync(Room, sent.Epoch!, 0, default);

        read.Entries.Single().Envelope.Data.Should().BeEquivalentTo(new Dictionary<string, object?> { ["status"] = "degraded" });
    }

    [Fact]
    public async Task FailsABroadcastWhoseDataCannotBeSerializedWithoutUsingAPosition()
    {
        var cyclic = new Dictionary<string, object?>();
        cyclic["self"] = cyclic;

        var failed = () => AppendAsync(cyclic);

        await failed.Should().ThrowAsync<System.Text.Json.JsonException>();
        (await AppendAsync("next")).Seq.Should().Be(1, "the failed broadcast took no position, so resuming clients see no gap");
    }

    [Fact]
    public async Task ReadsNothingAtTheLatestPositionAndLosesUnknownEpochsPositionsAndRooms()
    {
        var envelope = await AppendAsync("one");

        var latest = await History.ReadAfterAsync(Room, envelope.Epoch!, 1, default);
        latest.Recovered.Should().BeTrue();
        latest.Entries.Should().BeEmpty();
        (await History.ReadAfterAsync(Room, "other", 0, default)).Recovered.Should().BeFalse();
        (await History.ReadAfterAsync(Room, envelope.Epoch!, 2, default)).Recovered.Should().BeFalse("a position ahead of the room is not from this history");
        (await History.ReadAfterAsync(Room + "x", envelope.Epoch!, 0, default)).Recovered.Should().BeFalse();
        (await History.ReadAfterAsync(Room, envelope.Epoch!, long.MaxValue, default)).Recovered.Should().BeFalse();
    }

    [Fact]
    public async Task KeepsTheLastHistoryMaxMessages()
    {
        TenantEnvelope last = null!;
        for (var i = 0; i < Window + 2; i++)
        {
            last = await AppendAsync($"m-{i}");
        }

        (await History.ReadAfterAsync(Room, last.Epoch!, 1, default)).Recovered.Should().BeFalse("seq 2 was trimmed");
        var read = await History.ReadAfterAsync(Room, last.Epoch!, 2, default);
        read.Recovered.Should().BeTrue();
        read.Entries.Select(e => e.Envelope.Seq).Should().Equal(3L, 4L, 5L, 6L, 7L);
        read.Entries.Select(e => e.Envelope.Data).Should().Equal("m-2", "m-3", "m-4", "m-5", "m-6");
    }

    [Fact]
    public async Task EnforcesTheAgeWindowOnRead()
    {
        var envelope = await AppendAsync("old");
        Time.Advance(MaxAge + TimeSpan.FromSeconds(1));

        (await History.ReadAfterAsync(Room, envelope.Epoch!, 0, default)).Recovered.Should().BeFalse("the missed broadcast is older than HistoryMaxAge");
        (await History.ReadAfterAsync(Room, envelope.Epoch!, 1, default)).Recovered.Should().BeTrue("nothing was missed");
    }

    [Fact]
    public async Task APositionOfARoomWithNoHistoryStartsItsEpochAtZeroAndTheNextBroadcastIsOne()
    {
        var position = await History.PositionAsync(Room, default);

        position.Should().NotBeNull();
        (position!.Room, position.Seq).Should().Be((Room, 0L));
        (await History.PositionAsync(Room, default)).Should().BeEquivalentTo(position, "reading again neither renumbers nor starts another epoch");
        (await History.ReadAfterAsync(Room, position.Epoch, 0, default)).Should().BeEquivalentTo(new { Recovered = true, Entries = Array.Empty<HistoryEntry>() });

        var first = await AppendAsync("first");
        var second = await AppendAsync("second");

        (first.Epoch, first.Seq, second.Seq).Should().Be((position.Epoch, 1L, 2L), "the position's epoch is the one broadcasts are numbered in");
        var read = await History.ReadAfterAsync(Room, position.Epoch, 0, default);
        read.Recovered.Should().BeTrue();
        read.Entries.Select(e => e.Envelope.Data).Should().Equal("first", "second");
        (await History.PositionAsync(Room, default)).Should().BeEquivalentTo(new RoomPosition(Room, position.Epoch, 2));
    }

    /// <summary>Adds the history under test to <paramref name="builder"/>; the in-memory one needs nothing.</summary>
    protected abstract Task ConfigureAsync(ITenantRealtimeBuilder builder);

    internal Task<TenantEnvelope> AppendAsync(object data) =>
        NumberAsync(new OutgoingBroadcast(ScopeNames.Of(BroadcastScope.Tenant), "o", "t", null, "news", "updated", data, Time.GetUtcNow()));

    /// <summary>Numbers and keeps <paramref name="broadcast"/> in <see cref="Room"/> as the setup's sender does.</summary>
    internal abstract Task<TenantEnvelope> NumberAsync(OutgoingBroadcast broadcast);
}
