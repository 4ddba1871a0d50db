using System.Net;
using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Browser;

/// <summary>
/// The page in real headless Chromium (the Debian package, driven by Playwright's bundled driver, no browser
/// download): a change made through the API appears within 2 s; a change in another organization never does.
/// </summary>
public sealed class StatusPageBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly float LiveTimeoutMs = 2000;

    [Fact]
    public async Task ApiChangeAppearsLiveAndAnotherOrganizationsChangeNeverDoes()
    {
        File.Exists(ChromiumPath).Should().BeTrue($"the browser test needs Chromium at {ChromiumPath}: install it with `apt-get install -y chromium`");
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        using var globexAdmin = await server.ClientAsync("erin", "org-b", null, "admin");
        var userDataDir = Directory.CreateTempSubdirectory("sample-host-chromium-");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
                ViewportSize = new() { Width = 1280, Height = 900 },
            });
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, error) => errors.Add(error);

            await page.GotoAsync(new Uri(server.BaseAddress, "/?user=alice&org=org-a&tenant=tenant-1&role=member").ToString());
            await page.WaitForSelectorAsync("#connection[data-state=connected]");
            await page.WaitForSelectorAsync("#event-log li[data-event=connection]"); // state loaded after connecting
            (await page.TextContentAsync("#banner-text")).Should().Be("Partially Degraded Service");
            (await page.TextContentAsync("#fact-rooms")).Should().Contain("tenant:org-a:tenant-1");

            // A change through the API shows up without a reload, within 2 s.
            (await acmeAdmin.PatchAsync("/api/services/web", new { status = "partial_outage" })).Status.Should().Be(HttpStatusCode.OK);
            await page.WaitForSelectorAsync("[data-service-id=web] .status[data-status=partial_outage]", new() { Timeout = LiveTimeoutMs });
            await page.WaitForSelectorAsync("#banner[data-indicator=major]", new() { Timeout = LiveTimeoutMs });

            // Globex also has a service "api" and a tenant "tenant-1": its change must never reach Acme's page.
            (await globexAdmin.PatchAsync("/api/services/api", new { status = "major_outage" })).Status.Should().Be(HttpStatusCode.OK);
            (await acmeAdmin.PatchAsync("/api/services/cdn", new { status = "under_maintenance" })).Status.Should().Be(HttpStatusCode.OK);
            await page.WaitForSelectorAsync("[data-service-id=cdn] .status[data-status=under_maintenance]", new() { Timeout = LiveTimeoutMs });
            (await page.QuerySelectorAllAsync(".status[data-status=major_outage]")).Should().BeEmpty();
            (await page.TextContentAsync("[data-service-id=api] .status")).Should().Be("Degraded performance");
            (await page.TextContentAsync("#event-log")).Should().NotContain("Major outage");

            // A tenant-1 change reaches tenant 1 (the screenshot finishes its highlight animation).
            (await acmeAdmin.PatchAsync("/api/services/t1-workers", new { status = "degraded_performance" })).Status.Should().Be(HttpStatusCode.OK);
            await page.WaitForSelectorAsync("[data-service-id=t1-workers] .status[data-status=degraded_performance]", new() { Timeout = LiveTimeoutMs });
            errors.Should().BeEmpty();

            await page.ScreenshotAsync(new() { Path = ScreenshotPath(), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        }
        finally
        {
            userDataDir.Delete(recursive: true);
        }
    }

    /// <summary>docs/images/status-page.png in the repository, found from the test's output directory.</summary>
    private static string ScreenshotPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TenantRealtime.sln")))
        {
            directory = directory.Parent;
        }

        var images = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "docs", "images");
        Directory.CreateDirectory(images);
        return Path.Combine(images, "status-page.png");
    }
}
