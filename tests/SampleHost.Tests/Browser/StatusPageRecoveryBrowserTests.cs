using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;
using TenantRealtime;

namespace SampleHost.Tests.Browser;

/// <summary>
/// Missed-message recovery on the page, in real headless Chromium against the real host, done by the TypeScript client
/// package (wwwroot/lib/tenantrealtime, built from clients/typescript). The page reaches the host through a TCP relay
/// the test cuts for real: every connection reset, every reconnect attempt refused. The page renders the client's
/// keyed state, so changes made meanwhile appear when it is back as the keys changed since, never by fetching the
/// state again, even when more incident updates (broadcasts) were missed than the room's history keeps (only the
/// event log misses those events).
/// Also: the page's own restart after the server closed the connection for good, and a page reload that renders
/// the state the client kept in the tab and resumes what changed since.
/// </summary>
public sealed class StatusPageRecoveryBrowserTests
{
    private const string AlicePage = "/?user=alice&org=org-a&tenant=tenant-1&role=member";
    private const string OrgRoom = "org:org-a";
    private const string TenantRoom = "tenant:org-a:tenant-1";

    /// <summary>Where the client keeps Alice's rooms' state in the tab (saved-state.js's key, plus the client's <c>:states</c>).</summary>
    private const string SavedStatesKey = "tenantrealtime.sample.positions:org-a/tenant-1/alice/member:states";

    /// <summary>The demo's open org-wide incident, whose updates are the page's only broadcasts here.</summary>
    private const string OpenIncident = "inc-api-latency";

    /// <summary>How many broadcasts each room keeps (<c>HistoryMaxMessages</c>) in the history-window test.</summary>
    private const int Window = 4;

    // Generous: the page's reconnect policy waits up to 15 s between attempts (0, 1, 2, 5, 10, 15 s), and restarts a
    // closed connection after 15 s.
    private static readonly float ReconnectTimeoutMs = 45_000;
    private static readonly float LiveTimeoutMs = 5_000;

    private static readonly string[] OrgServices = ["web", "cdn", "auth", "webhooks", "api"];

    [Fact]
    public async Task AfterANetworkCutThePageResumesWhatWasMissedEvenPastTheHistoryWindow()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true, $"--TenantRealtime:HistoryMaxMessages={Window}");
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        await using var session = await BrowserSession.OpenAsync(server, AlicePage);
        var page = session.Page;
        session.Requested.Should().Contain("/lib/tenantrealtime/tenantrealtime.browser.js", "the page's realtime code is the package's browser build")
            .And.NotContain(path => path.EndsWith("/recovery.js", StringComparison.Ordinal));

        // Nothing was pushed to the page yet: the client knows its rooms' positions from connecting, so even this
        // first drop is resumed. Another member of tenant 1 stays connected throughout and counts what the page misses.
        await using var observer = await server.ListenAsync("observer", "org-a", "tenant-1", "member", withState: true);

        // State only: a description change is one key of the organization's room, and no broadcast.
        await session.CutNetworkAsync();
        var missed = await ChangeDescriptionsAsync(server, acmeAdmin, observer, "outage 1", Window);
        missed.Should().Be(Window, "a description change is one key of the organization's room, and nothing else");

        session.StatusRequests = 0;
        session.Link.Restore();
        await page.WaitForSelectorAsync("#recovery-notice[data-kind=resumed]:not([hidden])", new() { Timeout = ReconnectTimeoutMs });
        (await page.TextContentAsync("#recovery-text")).Should().Be($"Reconnected — {Window} missed updates applied");
        (await page.GetAttributeAsync("#recovery-notice", "data-replayed")).Should().Be(Window.ToString(CultureInfo.InvariantCulture));
        await ExpectDescriptionsAsync(page, "outage 1", Window);
        session.StatusRequests.Should().Be(0, "a resumed page applies the changed keys instead of fetching the state");
        await ExpectLiveAsync(page, acmeAdmin, "cdn", "degraded_performance");

        // One incident update more than the room's broadcast history keeps: the events are gone, the state's changed
        // keys are not (the descriptions' and the incident's, whose updates merge into one key).
        await session.CutNetworkAsync();
        var (statesBefore, broadcastsBefore) = (observer.States.Count, observer.Received.Count(e => e.Name == "incident-update"));
        for (var i = 0; i <= Window; i++)
        {
            var update = await acmeAdmin.PostAsync($"/api/incidents/{OpenIncident}/updates", new { status = "monitoring", body = $"Watching {i}." });
            update.Status.Should().Be(HttpStatusCode.Created, update.Text);
        }

        await observer.WaitForValueAsync(OrgRoom, OpenIncident, v => v.GetProperty("updates").EnumerateArray().Last().GetProperty("body").GetString() == $"Watching {Window}.");
        missed = await ChangeDescriptionsAsync(server, acmeAdmin, observer, "outage 2", Window + 1, since: statesBefore);
        missed.Should().Be(Window + 2);
        (observer.Received.Count(e => e.Name == "incident-update") - broadcastsBefore).Should().Be(Window + 1);

        session.StatusRequests = 0;
        session.Link.Restore();
        await page.WaitForSelectorAsync($"#recovery-notice[data-kind=resumed][data-replayed=\"{Window + 2}\"]:not([hidden])", new() { Timeout = ReconnectTimeoutMs });
        (await page.TextContentAsync("#recovery-text")).Should().Be($"Reconnected — {Window + 2} missed updates applied");
        (await page.TextContentAsync("#event-log")).Should().Contain("Some events could not be replayed", "the broadcast history no longer holds them");
        await page.WaitForSelectorAsync($"[data-incident-id={OpenIncident}] .badge[data-status=monitoring]", new() { Timeout = LiveTimeoutMs });
        await ExpectDescriptionsAsync(page, "outage 2", Window + 1);
        session.StatusRequests.Should().Be(0, "state needs no reload when the broadcast history is gone");

        // Live again.
        await ExpectLiveAsync(page, acmeAdmin, "cdn", "operational");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task AfterTheServerClosesTheConnectionThePageRestartsItAndResumesWhatWasMissed()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        await using var session = await BrowserSession.OpenAsync(server, AlicePage);
        var page = session.Page;
        await using var observer = await server.ListenAsync("observer", "org-a", "tenant-1", "member", withState: true);

        // The server closes the user's connections and tells SignalR not to reconnect: the page's own restart (15 s
        // later) brings it back. The network stays cut meanwhile, so the changes below surely happen while it is away.
        await server.Services.GetRequiredService<ITenantConnectionManager>().DisconnectUserAsync("org-a", "alice");
        await page.WaitForSelectorAsync("#connection[data-state=disconnected]", new() { Timeout = LiveTimeoutMs });
        session.Link.Cut();
        var missed = await ChangeDescriptionsAsync(server, acmeAdmin, observer, "closed", 3);
        missed.Should().Be(3);

        session.StatusRequests = 0;
        session.Link.Restore();
        await page.WaitForSelectorAsync("#recovery-notice[data-kind=resumed]:not([hidden])", new() { Timeout = ReconnectTimeoutMs });
        (await page.TextContentAsync("#recovery-text")).Should().Be("Reconnected — 3 missed updates applied");
        await ExpectDescriptionsAsync(page, "closed", 3);
        session.StatusRequests.Should().Be(0);
        await ExpectLiveAsync(page, acmeAdmin, "auth", "under_maintenance");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task APageReloadRestoresTheStateFromTheTabAndResumesWhatWasPushedMeanwhile()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        await using var session = await BrowserSession.OpenAsync(server, AlicePage);
        var page = session.Page;
        await ExpectLiveAsync(page, acmeAdmin, "t1-workers", "degraded_performance");
        await using var observer = await server.ListenAsync("observer", "org-a", "tenant-1", "member", withState: true);

        // The client writes its state to the tab at most every 250 ms: wait for the write that holds the change above,
        // so the reload names its version and gets exactly the two changes below.
        await page.WaitForFunctionAsync(
            "key => JSON.parse(sessionStorage.getItem(key) ?? '[]').some(r => r.values['t1-workers']?.status === 'degraded_performance')",
            SavedStatesKey);

        // The tab leaves the page (its connection ends with it), changes are made, and the tab comes back.
        await page.GotoAsync("about:blank");
        var missed = await ChangeDescriptionsAsync(server, acmeAdmin, observer, "while reloading", 2);
        missed.Should().Be(2);

        session.StatusRequests = 0;
        await page.GotoAsync(new Uri(session.Link.BaseAddress, AlicePage).ToString());
        await page.WaitForSelectorAsync("#recovery-notice[data-kind=resumed]:not([hidden])", new() { Timeout = ReconnectTimeoutMs });
        (await page.TextContentAsync("#recovery-text")).Should().Be("Page restored — 2 missed updates applied");
        (await page.TextContentAsync("#event-log")).Should().Contain("state restored from this tab");
        await ExpectDescriptionsAsync(page, "while reloading", 2);
        await page.WaitForSelectorAsync("[data-service-id=t1-workers] .status[data-status=degraded_performance]", new() { Timeout = LiveTimeoutMs });
        session.StatusRequests.Should().Be(0, "the state came from the tab and the changed keys from the server");

        await ExpectLiveAsync(page, acmeAdmin, "web", "partial_outage");
        session.Errors.Should().BeEmpty();
    }

    /// <summary>
    /// Changes the description of the first <paramref name="count"/> org-wide services and returns how many keys of the
    /// page's rooms changed meanwhile (or since the observer's state message number <paramref name="since"/>), as
    /// <paramref name="observer"/> (a connection in the same rooms) got them.
    /// </summary>
    private static async Task<int> ChangeDescriptionsAsync(SampleHostServer server, ApiClient admin, HubListener observer, string label, int count, int? since = null)
    {
        var before = since ?? observer.States.Count;
        foreach (var id in OrgServices.Take(count))
        {
            var response = await admin.PatchAsync($"/api/services/{id}", new { description = $"{label}: {id}" });
            response.Status.Should().Be(HttpStatusCode.OK, response.Text);
        }

        // A change merged by the rate bound arrives at its key's next slot: wait for the values, not for a sentinel.
        foreach (var id in OrgServices.Take(count))
        {
            await observer.WaitForValueAsync(OrgRoom, id, v => v.GetProperty("description").GetString() == $"{label}: {id}");
        }

        await observer.WaitForSentinelAsync(await server.SendSentinelAsync("org-a", "observer"));
        var changed = observer.States.Skip(before).Where(m => m.Room is OrgRoom or TenantRoom)
            .SelectMany(m => m.Set.Keys.Concat(m.Removed.OfType<string>()).Select(key => (m.Room, key)));
        return changed.Distinct().Count();
    }
    private static async Task ExpectDescriptionsAsync(IPage page, string label, int count)
    {
        foreach (var id in OrgServices.Take(count))
        {
            await page.WaitForSelectorAsync($"[data-service-id={id}] .service-desc:text-is(\"{label}: {id}\")", new() { Timeout = LiveTimeoutMs });
        }
    }

    private static async Task ExpectLiveAsync(IPage page, ApiClient admin, string serviceId, string status)
    {
        (await admin.PatchAsync($"/api/services/{serviceId}", new { status })).Status.Should().Be(HttpStatusCode.OK);
        await page.WaitForSelectorAsync($"[data-service-id={serviceId}] .status[data-status={status}]", new() { Timeout = LiveTimeoutMs });
    }

    /// <summary>Headless Chromium with one page open on the host through a <see cref="TcpRelay"/> the test can cut.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private readonly ChromiumSession chromium;
        private int statusRequests;

        private BrowserSession(TcpRelay link, ChromiumSession chromium)
        {
            Link = link;
            this.chromium = chromium;
            Page.Request += (_, request) =>
            {
                var path = new Uri(request.Url).AbsolutePath;
                lock (Requested)
                {
                    Requested.Add(path);
                }

                if (path == "/api/status")
                {
                    Interlocked.Increment(ref statusRequests);
                }
            };
        }

        public TcpRelay Link { get; }

        public IPage Page => chromium.Page;

        public List<string> Errors => chromium.Errors;

        /// <summary>The paths the page requested.</summary>
        public List<string> Requested { get; } = [];

        /// <summary>How many times the page fetched <c>GET /api/status</c> since this was last set.</summary>
        public int StatusRequests
        {
            get => Volatile.Read(ref statusRequests);
            set => Volatile.Write(ref statusRequests, value);
        }

        public static async Task<BrowserSession> OpenAsync(SampleHostServer server, string path)
        {
            var link = TcpRelay.Start(server.BaseAddress);
            var session = new BrowserSession(link, await HeadlessChromium.OpenAsync());
            var page = session.Page;
            await page.GotoAsync(new Uri(link.BaseAddress, path).ToString());
            await page.WaitForSelectorAsync("#connection[data-state=connected]");
            await page.WaitForSelectorAsync("#event-log li[data-event=connection]"); // rendered from the state received
            return session;
        }

        /// <summary>Cuts the page's network (its WebSocket reset, reconnects refused) and waits until it notices.</summary>
        public async Task CutNetworkAsync()
        {
            Link.Cut();
            await Page.WaitForSelectorAsync("#connection[data-state=reconnecting]", new() { Timeout = LiveTimeoutMs });
        }

        public async ValueTask DisposeAsync()
        {
            await chromium.DisposeAsync();
            await Link.DisposeAsync();
        }
    }
}
