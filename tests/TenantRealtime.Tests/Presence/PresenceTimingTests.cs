using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace TenantRealtime.Tests.Presence;

/// <summary>
/// The debounce window and the rate bound on the server's <see cref="TimeProvider"/>: a fake one here, so each test
/// says exactly when a change goes out, not roughly.
/// </summary>
public sealed class PresenceTimingTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<IAsyncDisposable> _owned = [];
    private RealtimeNode _node = null!;

    [Fact]
    public async Task ALeaveIsAnnouncedWhenTheDebounceWindowEndsAndNotBefore()
    {
        var amy = await AmyWatchesBobLeaveAsync();
        _time.Advance(Window - TimeSpan.FromMilliseconds(1));
        await FlushAsync(amy);
        amy.Received.Should().NotContain(m => m.String("type") == "left", "the window has not ended");

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var left = await amy.WaitForAsync("presence", m => m.String("type") == "left");
        Users(left).Should().Equal("bob");
    }

    [Fact]
    public async Task AReconnectWithinTheWindowCancelsTheLeave()
    {
        var amy = await AmyWatchesBobLeaveAsync();
        _time.Advance(Window / 2);
        await ConnectAsync(TestUser.Member("bob", "org-a", "t1"));
        _time.Advance(Window * 2);
        await FlushAsync(amy);

        amy.Received.Where(m => m.EventName == "presence" && Users(m).Contains("bob")).Select(m => m.String("type")).Should().Equal("joined");
    }

    [Fact]
    public async Task ThroughTheWindowAndAReconnectTheUserKeepsTheNameAndTimeItCameOnlineWith()
    {
        await StartAsync(perSecond: 1_000);
        var amy = await ConnectAsync(TestUser.Member("amy", "org-a", "t1"));
        var bob = await ConnectAsync(TestUser.Member("bob", "org-a", "t1") with { DisplayName = "Bob" });
        await amy.WaitForAsync("presence", m => m.String("type") == "joined" && Users(m).Contains("bob"));
        var presence = _node.Services.GetRequiredService<IPresence>();
        var online = (await presence.GetAsync("org-a", "t1")).Users.Single(u => u.UserId == "bob");

        await bob.Connection.StopAsync();
        await _node.WaitForRegistryAsync(async r => await r.CountAsync("org-a") == 1);
        _time.Advance(Window / 2);
        (await presence.GetAsync("org-a", "t1")).Users.Single(u => u.UserId == "bob").Should().Be(online with { Connections = 0 }, "a user in the window is still listed");

        await ConnectAsync(TestUser.Member("bob", "org-a", "t1") with { DisplayName = "Robert" });
        (await presence.GetAsync("org-a", "t1")).Users.Single(u => u.UserId == "bob").Should().Be(online, "the reconnect did not bring bob online again");

        await _node.Services.GetRequiredService<ITenantConnectionManager>().DisconnectUserAsync("org-a", "bob");
        await _node.WaitForRegistryAsync(async r => await r.CountAsync("org-a") == 1);

        // The registry counts the disconnect before presence hears of it and starts the window's timer: a clock moved
        // in between would leave that timer waiting. So the clock moves on until the leave is announced.
        ReceivedMessage? left = null;
        for (var step = 0; left is null && step < 20; step++)
        {
            _time.Advance(Window);
            try
            {
                left = await amy.WaitForAsync("presence", m => m.String("type") == "left" && Users(m).Contains("bob"), TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException)
            {
            }
        }

        left.Should().NotBeNull("bob's leave is announced once its window has passed");
        var user = ((IEnumerable<object?>)((IReadOnlyDictionary<string, object?>)left["data"]!)["users"]!).Cast<IReadOnlyDictionary<string, object?>>().Single();
        user["displayName"].Should().Be("Bob");
        user["onlineSince"].Should().Be(online.OnlineSince.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ChangesOverTheRateBoundWaitForTheNextTokenAndGoOutMerged()
    {
        await StartAsync(perSecond: 1);
        var amy = await ConnectAsync(TestUser.Member("amy", "org-a", "t1"));
        await amy.WaitForAsync("presence", m => m.String("scope") == "tenant" && Users(m).Contains("amy"));

        await ConnectAsync(TestUser.Member("bob", "org-a", "t1"));
        await ConnectAsync(TestUser.Member("cat", "org-a", "t1"));
        var presence = _node.Services.GetRequiredService<IPresence>();
        (await presence.GetAsync("org-a", "t1")).Users.Select(u => u.UserId).Should().Equal("amy", "bob", "cat");
        await FlushAsync(amy);
        amy.Received.Where(m => m.EventName == "presence" && m.String("scope") == "tenant").Should().ContainSingle("the tenant's one event per second went to amy's own join");

        _time.Advance(TimeSpan.FromSeconds(1));
        var merged = await amy.WaitForAsync("presence", m => m.String("scope") == "tenant" && Users(m).Contains("bob"));
        Users(merged).Should().BeEquivalentTo("bob", "cat");
        ((IReadOnlyDictionary<string, object?>)merged["data"]!)["userCount"].Should().Be(3L);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned.AsEnumerable().Reverse())
        {
            await owned.DisposeAsync();
        }
    }

    /// <summary>Amy watches Bob come online and leave (the server has seen him go); the window starts now.</summary>
    private async Task<RealtimeClient> AmyWatchesBobLeaveAsync()
    {
        await StartAsync(perSecond: 1_000);
        var amy = await ConnectAsync(TestUser.Member("amy", "org-a", "t1"));
        var bob = await ConnectAsync(TestUser.Member("bob", "org-a", "t1"));
        await amy.WaitForAsync("presence", m => m.String("type") == "joined" && Users(m).Contains("bob"));

        await bob.Connection.StopAsync();
        await _node.WaitForRegistryAsync(async r => await r.CountAsync("org-a") == 1);
        return amy;
    }

    private async Task StartAsync(int perSecond)
    {
        _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            Configure = o =>
            {
                PresenceSettings.Apply(o);
                o.PresenceDebounce = Window;
                o.PresenceEventsPerSecond = perSecond;
            },
            Services = services => services.AddSingleton<TimeProvider>(_time),
        });
        _owned.Add(_node);
    }

    private async Task<RealtimeClient> ConnectAsync(TestUser user)
    {
        var client = await RealtimeClient.ConnectAsync(_node.HubUrl, user, HubProtocolKind.Json, "presence");
        _owned.Add(client);
        return client;
    }

    private async Task FlushAsync(RealtimeClient client)
    {
        var marker = Guid.NewGuid().ToString("N");
        await _node.Broadcaster.BroadcastToOrganizationAsync("org-a", Sentinel.EventName, "flush", marker);
        await client.WaitForAsync(Sentinel.EventName, m => m.String("data") == marker);
    }

    private static List<string> Users(ReceivedMessage message) =>
        [.. ((IEnumerable<object?>)((IReadOnlyDictionary<string, object?>)message["data"]!)["users"]!).Cast<IReadOnlyDictionary<string, object?>>().Select(u => (string)u["userId"]!)];
}
