using System.Net;
using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SampleHost.Tests.Browser;

/// <summary>
/// The page in real headless Chromium (the Debian package, driven by Playwright's bundled driver, no browser
/// download): a change made through the API appears within 2 s; a change in another organization never does.
/// </summary>
public sealed class StatusPageBrowserTests(ITestOutputHelper output)
{

    /// <summary>Set to 1 to refresh the README's image from this test's screenshot (docs/sample-host.md says how).</summary>
    private const string UpdateScreenshotVariable = "TENANTREALTIME_UPDATE_SCREENSHOT";

    private static readonly float LiveTimeoutMs = 2000;

    [Fact]
    public async Task ApiChangeAppearsLiveAndAnotherOrganizationsChangeNeverDoes()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        using var globexAdmin = await server.ClientAsync("erin", "org-b", null, "admin");
        await using var chromium = await HeadlessChromium.OpenAsync();
        var page = chromium.Page;

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
        chromium.Errors.Should().BeEmpty();

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "status-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        output.WriteLine($"Screenshot: {screenshot}");
        UpdateReadmeImageIfAsked(screenshot);
    }

    [Fact]
    public async Task AnAdminsPageRendersEveryTenantsStateAndATenantThatAppearsLater()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        await using var chromium = await HeadlessChromium.OpenAsync();
        var page = chromium.Page;

        // The library sends an admin only the rooms it holds at connect; the page reads each tenant's room by name.
        await page.GotoAsync(new Uri(server.BaseAddress, "/?user=carol&org=org-a&role=admin").ToString());
        await page.WaitForSelectorAsync("[data-service-id=t2-search] .status[data-status=under_maintenance]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("[data-service-id=t1-db]", new() { Timeout = LiveTimeoutMs });
        (await page.TextContentAsync("#banner-text")).Should().Be("Partially Degraded Service", "minor (the API) outranks maintenance");

        // A tenant nobody had: its first service is announced (tenant-update), and the page reads its room.
        var created = await acmeAdmin.PostAsync("/api/services", new { name = "Tenant 3 cache", status = "major_outage", tenantId = "tenant-3" });
        created.Status.Should().Be(HttpStatusCode.Created, created.Text);
        var id = created.Json.GetProperty("id").GetString();
        await page.WaitForSelectorAsync($"[data-service-id={id}] .status[data-status=major_outage]", new() { Timeout = LiveTimeoutMs });
        await page.WaitForSelectorAsync("#banner[data-indicator=critical]", new() { Timeout = LiveTimeoutMs });
        chromium.Errors.Should().BeEmpty();
    }

    /// <summary>
    /// The screenshot stays in the test output, so a test run never changes a tracked file; only when asked does it
    /// replace docs/images/status-page.png (the README's image) in the repository this test was built from.
    /// </summary>
    private void UpdateReadmeImageIfAsked(string screenshot)
    {
        if (Environment.GetEnvironmentVariable(UpdateScreenshotVariable) != "1")
        {
            return;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TenantRealtime.sln")))
        {
            directory = directory.Parent;
        }

        var repository = directory
            ?? throw new InvalidOperationException($"{UpdateScreenshotVariable}=1, but there is no TenantRealtime.sln above {AppContext.BaseDirectory}.");
        var image = Path.Combine(repository.FullName, "docs", "images", "status-page.png");
        File.Copy(screenshot, image, overwrite: true);
        output.WriteLine($"Updated {image}");
    }
}
