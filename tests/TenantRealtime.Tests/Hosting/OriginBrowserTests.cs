using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace TenantRealtime.Tests.Hosting;

/// <summary>
/// Cross-site WebSocket hijacking in a real browser (headless Chromium, Debian's package, driven by Playwright): a
/// page of another local origin (another port) opens the hub over a WebSocket with the signed-in user's cookie, as
/// an attacker's page would. The hub refuses it; once the app lists that origin, the same page connects.
/// </summary>
public sealed class OriginBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task APageOfAnotherOriginCannotRideTheUsersCookieIntoTheHubUntilTheAppListsIt()
    {
        File.Exists(ChromiumPath).Should().BeTrue($"the browser test needs Chromium at {ChromiumPath}: install it with `apt-get install -y chromium`");
        await using var pages = await PageServer.StartAsync();
        await using var strict = await RealtimeNode.StartAsync(CookieLogin.Configure(new RealtimeNodeOptions()));
        await using var listing = await RealtimeNode.StartAsync(CookieLogin.Configure(new RealtimeNodeOptions { Configure = o => o.AllowedOrigins.Add(pages.Origin) }));
        var userDataDir = Directory.CreateTempSubdirectory("origin-chromium-");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();

            // Signed in to the app (a cookie for 127.0.0.1, which browsers send to every port of it), then lured to
            // another site's page.
            await page.GotoAsync(new Uri(strict.BaseAddress, "/login?user=alice&org=org-a&tenant=t1").ToString());
            await page.GotoAsync($"{pages.Origin}/?hub={Uri.EscapeDataString(strict.HubUrl.ToString())}");
            await page.WaitForSelectorAsync("#state[data-state=refused]");
            (await strict.Registry.CountAsync()).Should().Be(0);

            await page.GotoAsync(new Uri(listing.BaseAddress, "/login?user=alice&org=org-a&tenant=t1").ToString());
            await page.GotoAsync($"{pages.Origin}/?hub={Uri.EscapeDataString(listing.HubUrl.ToString())}");
            await page.WaitForSelectorAsync("#state[data-state=connected]");
            await listing.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "hello page");
            await page.WaitForSelectorAsync("#state[data-news='hello page']");
        }
        finally
        {
            userDataDir.Delete(recursive: true);
        }
    }

    /// <summary>The other site: one page that connects to the hub named in its query, over a WebSocket, as the official browser client does.</summary>
    private sealed class PageServer : IAsyncDisposable
    {
        private const string Page = """
            <!doctype html>
            <html><body>
            <p id="state" data-state="starting">starting</p>
            <script src="/signalr.js"></script>
            <script>
              const state = document.getElementById('state');
              const hub = new URLSearchParams(location.search).get('hub');
              const connection = new signalR.HubConnectionBuilder()
                .withUrl(hub, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
                .build();
              connection.on('news', envelope => { state.dataset.news = envelope.data; });
              connection.start()
                .then(() => connection.invoke('JoinOrganization', { organizationId: 'org-a' }))
                .then(() => { state.dataset.state = 'connected'; state.textContent = 'connected'; })
                .catch(error => { state.dataset.state = 'refused'; state.textContent = String(error); });
            </script>
            </body></html>
            """;

        private readonly WebApplication _app;

        private PageServer(WebApplication app, string origin) => (_app, Origin) = (app, origin);

        public string Origin { get; }

        public static async Task<PageServer> StartAsync()
        {
            var script = Path.Combine(RepositoryPaths.Root, "samples", "SampleHost", "node_modules", "@microsoft", "signalr", "dist", "browser", "signalr.min.js");
            File.Exists(script).Should().BeTrue($"the official browser client comes from the sample's npm install ({script}; ./test.sh runs npm ci)");
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", () => Results.Content(Page, "text/html"));
            app.MapGet("/signalr.js", () => Results.File(script, "text/javascript"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new PageServer(app, address.TrimEnd('/'));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
