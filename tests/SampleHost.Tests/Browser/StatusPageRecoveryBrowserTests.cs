using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;
using TenantRealtime;

namespace SampleHost.Tests.Browser;

/// <summary>
/// Missed-message recovery on the page, in real headless Chromium against the real host: the page is cut off for
/// real (its live WebSocket closed, every reconnect attempt refused in the browser), changes are made meanwhile, and
/// when it comes back it shows every change and says what it recovered. Both ways back are covered: SignalR's
/// automatic reconnect after a dropped socket, and the page's own restart after the server closed the connection
/// for good (a revocation: SignalR then does not reconnect by itself).
/// </summary>
public sealed class StatusPageRecoveryBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string AlicePage = "/?user=alice&org=org-a&tenant=tenant-1&role=member";

    // Generous: the page's reconnect policy waits up to 10 s between attempts (0, 1, 2, 5, 10 s), and restarts a
    // closed connection after 15 s.
    private static readonly float ReconnectTimeoutMs = 45_000;
    private static readonly float LiveTimeoutMs = 5_000;

    [Fact]
    public async Task AfterAnOutageThePageAppliesEveryMissedUpdateAndSaysHowMany()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        await using var session = await BrowserSession.OpenAsync(server, AlicePage);
        var page = session.Page;
        await MakeLiveChangesInBothRoomsAsync(page, acmeAdmin);

        // Another member of tenant 1 stays connected throughout: what it receives in the page's rooms while the
        // page is away is exactly what the page missed.
        await using var observer = await server.ListenAsync("observer", "org-a", "tenant-1", "member");

        await session.DropConnectionAsync();
        (await acmeAdmin.PatchAsync("/api/services/web", new { status = "major_outage" })).Status.Should().Be(HttpStatusCode.OK);
        (await acmeAdmin.PatchAsync("/api/services/cdn", new { status = "degraded_performance" })).Status.Should().Be(HttpStatusCode.OK);
        (await acmeAdmin.PatchAsync("/api/services/t1-db", new { status = "partial_outage" })).Status.Should().Be(HttpStatusCode.OK);
        (await acmeAdmin.PatchAsync("/api/services/t1-workers", new { status = "operational" })).Status.Should().Be(HttpStatusCode.OK);
        await observer.WaitForSentinelAsync(await server.SendSentinelAsync("org-a", "observer"));
        var missed = observer.Received.Count(e => e.Envelope.TryGetProperty("room", out var room) &&
            room.GetString() is "org:org-a" or "tenant:org-a:tenant-1");
        missed.Should().BeGreaterThanOrEqualTo(4, "four services changed, each announced in one of the page's rooms");

        session.StatusRequests = 0;
        await session.GoOnlineAsync();
        await page.WaitForSelectorAsync("#recovery-notice[data-kind=resumed]:not([hidden])", new() { Timeout = ReconnectTimeoutMs });
        (await page.TextContentAsync("#recovery-text")).Should().Be($"Reconnected — {missed} missed updates applied");
        (await page.GetAttributeAsync("#recovery-notice", "data-replayed")).Should().Be(missed.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Every change is on the page, applied from the replay: the state was not fetched again.
        await page.WaitForSelectorAsync("[data-service-id=web] .status[data-status=major_outage]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=cdn] .status[data-status=degraded_performance]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=t1-db] .status[data-status=partial_outage]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=t1-workers] .status[data-status=operational]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("#banner[data-indicator=critical]", new() { Timeout = LiveTimeoutMs });
        (await page.TextContentAsync("#event-log")).Should().Contain($"{missed} missed updates applied");
        session.StatusRequests.Should().Be(0, "a resumed page applies the missed updates instead of reloading");

        // And it is live again.
        (await acmeAdmin.PatchAsync("/api/services/auth", new { status = "under_maintenance" })).Status.Should().Be(HttpStatusCode.OK);
        await page.WaitForSelectorAsync("[data-service-id=auth] .status[data-status=under_maintenance]", new() { Timeout = LiveTimeoutMs });
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task MissingMoreThanTheHistoryWindowReloadsTheStateAndSaysSo()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true, "--TenantRealtime:HistoryMaxMessages=3");
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        await using var session = await BrowserSession.OpenAsync(server, AlicePage);
        var page = session.Page;
        await MakeLiveChangesInBothRoomsAsync(page, acmeAdmin);

        // Six changes of org-wide services while away: more than the three broadcasts the room keeps.
        await session.RevokeAsync(server, "org-a", "alice");
        foreach (var (id, status) in new[]
                 {
                     ("web", "major_outage"), ("cdn", "degraded_performance"), ("auth", "partial_outage"),
                     ("webhooks", "under_maintenance"), ("web", "operational"), ("cdn", "major_outage"),
                 })
        {
            (await acmeAdmin.PatchAsync($"/api/services/{id}", new { status })).Status.Should().Be(HttpStatusCode.OK);
        }

        session.StatusRequests = 0;
        await session.GoOnlineAsync();
        await page.WaitForSelectorAsync("#recovery-notice[data-kind=reloaded]:not([hidden])", new() { Timeout = ReconnectTimeoutMs });
        (await page.TextContentAsync("#recovery-text")).Should().Be("Reconnected — reloaded the latest state");
        (await page.GetAttributeAsync("#recovery-notice", "data-reason")).Should().Be("not-recovered", "the history window was exceeded, not a room without a position");

        await page.WaitForSelectorAsync("[data-service-id=web] .status[data-status=operational]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=cdn] .status[data-status=major_outage]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=auth] .status[data-status=partial_outage]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=webhooks] .status[data-status=under_maintenance]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("#banner[data-indicator=critical]", new() { Timeout = LiveTimeoutMs });
        session.StatusRequests.Should().BeGreaterThan(0, "the page reloads its state over REST when the server cannot replay");

        // Live again, from the reloaded state.
        (await acmeAdmin.PatchAsync("/api/services/cdn", new { status = "operational" })).Status.Should().Be(HttpStatusCode.OK);
        await page.WaitForSelectorAsync("[data-service-id=cdn] .status[data-status=operational]", new() { Timeout = LiveTimeoutMs });
        session.Errors.Should().BeEmpty();
    }

    /// <summary>
    /// A change in the organization's room and one in tenant 1's, seen live: the page learns a position in both
    /// rooms its state comes from (a room it never heard from could not be resumed, and the page would reload).
    /// </summary>
    private static async Task MakeLiveChangesInBothRoomsAsync(IPage page, ApiClient admin)
    {
        (await admin.PatchAsync("/api/services/web", new { status = "partial_outage" })).Status.Should().Be(HttpStatusCode.OK);
        (await admin.PatchAsync("/api/services/t1-workers", new { status = "degraded_performance" })).Status.Should().Be(HttpStatusCode.OK);
        await page.WaitForSelectorAsync("[data-service-id=web] .status[data-status=partial_outage]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=t1-workers] .status[data-status=degraded_performance]", new() { Timeout = LiveTimeoutMs });
    }

    /// <summary>Headless Chromium with one page open on the host, and a real way to cut it off and let it back.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private const string HubRequests = "**/hubs/realtime**";

        private readonly DirectoryInfo userDataDir;
        private readonly IPlaywright playwright;
        private readonly IBrowserContext browser;
        private int statusRequests;
        private (IWebSocketRoute Page, IWebSocketRoute Server)? socket;

        private BrowserSession(DirectoryInfo userDataDir, IPlaywright playwright, IBrowserContext browser, IPage page)
        {
            this.userDataDir = userDataDir;
            this.playwright = playwright;
            this.browser = browser;
            Page = page;
            page.PageError += (_, error) => Errors.Add(error);
            page.Request += (_, request) =>
            {
                if (new Uri(request.Url).AbsolutePath == "/api/status")
                {
                    Interlocked.Increment(ref statusRequests);
                }
            };
        }

        public IPage Page { get; }

        public List<string> Errors { get; } = [];

        /// <summary>How many times the page fetched <c>GET /api/status</c> since this was last set.</summary>
        public int StatusRequests
        {
            get => Volatile.Read(ref statusRequests);
            set => Volatile.Write(ref statusRequests, value);
        }

        public static async Task<BrowserSession> OpenAsync(SampleHostServer server, string path)
        {
            File.Exists(ChromiumPath).Should().BeTrue($"the browser tests need Chromium at {ChromiumPath}: install it with `apt-get install -y chromium`");
            var userDataDir = Directory.CreateTempSubdirectory("sample-host-chromium-");
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
                ViewportSize = new() { Width = 1280, Height = 900 },
            });
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            var session = new BrowserSession(userDataDir, playwright, browser, page);

            // The page's WebSocket passes through Playwright, connected to the real server, so a test can drop it.
            await page.RouteWebSocketAsync(HubRequests, route => session.socket = (route, route.ConnectToServer()));
            await page.GotoAsync(new Uri(server.BaseAddress, path).ToString());
            await page.WaitForSelectorAsync("#connection[data-state=connected]");
            await page.WaitForSelectorAsync("#event-log li[data-event=connection]"); // state loaded after connecting
            return session;
        }

        /// <summary>
        /// Like a network failure: refuses the page's hub requests (negotiate fails, so no reconnect attempt gets
        /// through), then drops its live WebSocket on both ends. SignalR's automatic reconnect takes over.
        /// </summary>
        public async Task DropConnectionAsync()
        {
            var (pageSide, serverSide) = socket ?? throw new InvalidOperationException("The page has no WebSocket to drop.");
            await RefuseHubRequestsAsync();
            await pageSide.CloseAsync(new() { Code = 4000, Reason = "test: network down" });
            await serverSide.CloseAsync();
            await Page.WaitForSelectorAsync("#connection[data-state=reconnecting]", new() { Timeout = LiveTimeoutMs });
        }

        /// <summary>
        /// Refuses the page's hub requests, then has the server close the user's connections
        /// (<see cref="ITenantConnectionManager.DisconnectUserAsync"/>). The server tells SignalR not to reconnect,
        /// so the connection closes and the page's own restart brings it back.
        /// </summary>
        public async Task RevokeAsync(SampleHostServer server, string organizationId, string userId)
        {
            await RefuseHubRequestsAsync();
            await server.Services.GetRequiredService<ITenantConnectionManager>().DisconnectUserAsync(organizationId, userId);
            await Page.WaitForSelectorAsync("#connection[data-state=disconnected]", new() { Timeout = LiveTimeoutMs });
        }

        private async Task RefuseHubRequestsAsync() => await Page.RouteAsync(HubRequests, route => route.AbortAsync("internetdisconnected"));

        /// <summary>Lets the hub requests through again; the page's automatic reconnect does the rest.</summary>
        public Task GoOnlineAsync() => Page.UnrouteAsync(HubRequests);

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            userDataDir.Delete(recursive: true);
        }
    }
}
