using System.Net;
using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Browser;

/// <summary>
/// The page's incident view in real headless Chromium against the real host: two users of one tenant open the same
/// incident (one by its address, one by clicking its card) and each sees the other as viewing, by name; an update to the
/// incident reaches both open views over the incident's topic; a user who closes the view, or the page, leaves the
/// other's list once the presence debounce has passed.
/// </summary>
public sealed class IncidentViewBrowserTests
{
    private const string AlicePage = "/?user=alice&org=org-a&tenant=tenant-1&role=member";
    private const string DanaPage = "/?user=dana&org=org-a&tenant=tenant-1&role=member";

    private static readonly float LiveTimeoutMs = 3_000;

    /// <summary>The host's presence debounce here (1 s; the sample's default is the library's 5 s).</summary>
    private static readonly float DebounceMs = 1_000;

    [Fact]
    public async Task TwoViewersSeeEachOtherAndTheIncidentsUpdatesAndAViewerWhoLeavesGoes()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true, "--TenantRealtime:PresenceDebounce=00:00:01");
        using var carol = await server.ClientAsync("carol", "org-a", null, "admin");
        var created = await carol.PostAsync("/api/incidents", new { name = "Checkout errors", message = "We are investigating.", tenantId = "tenant-1" });
        created.Status.Should().Be(HttpStatusCode.Created, created.Text);
        var id = created.Json.GetProperty("id").GetString()!;
        var view = $"#incident-view:not([hidden])[data-incident-id=\"{id}\"]";

        await using var chromium = await HeadlessChromium.OpenAsync();

        // Alice opens the incident by its address: nobody else is viewing yet.
        var alice = chromium.Page;
        await alice.GotoAsync(new Uri(server.BaseAddress, $"{AlicePage}#incident/{id}").ToString());
        await alice.WaitForSelectorAsync(view);
        await alice.WaitForSelectorAsync("#incident-viewers-note:has-text('Nobody else is viewing')");
        (await alice.TextContentAsync("#incident-view-title")).Should().Be("Checkout errors");

        // Dana, of the same tenant, opens it from its card: each page shows the other, and neither lists itself.
        var dana = await chromium.NewPageAsync();
        await dana.GotoAsync(new Uri(server.BaseAddress, DanaPage).ToString());
        await dana.ClickAsync($"article[data-incident-id=\"{id}\"] a.incident-link");
        await dana.WaitForSelectorAsync(view);
        await dana.WaitForSelectorAsync("#incident-viewers li[data-user-id=alice]", new() { Timeout = LiveTimeoutMs });
        (await dana.TextContentAsync("#incident-viewers li[data-user-id=alice]")).Should().Contain("Alice Moreau");
        await alice.WaitForSelectorAsync("#incident-viewers li[data-user-id=dana]", new() { Timeout = LiveTimeoutMs });
        (await alice.QuerySelectorAsync("#incident-viewers li[data-user-id=alice]")).Should().BeNull("a page does not list its own user");
        (await dana.QuerySelectorAsync("#incident-viewers li[data-user-id=dana]")).Should().BeNull();

        // An update to the incident reaches both open views, over the incident's topic.
        var update = await carol.PostAsync($"/api/incidents/{id}/updates", new { status = "identified", body = "A bad deploy; rolling back." });
        update.Status.Should().Be(HttpStatusCode.Created, update.Text);
        foreach (var page in new[] { alice, dana })
        {
            await page.WaitForSelectorAsync("#incident-view-updates li:has-text('A bad deploy; rolling back.')", new() { Timeout = LiveTimeoutMs });
            await page.WaitForSelectorAsync("#incident-view-status[data-status=identified]", new() { Timeout = LiveTimeoutMs });
        }

        // Dana closes the view: gone from Alice's list once the debounce has passed; Dana's view is closed.
        await dana.ClickAsync("#incident-view-close");
        await dana.WaitForSelectorAsync("#incident-view", new() { State = WaitForSelectorState.Hidden });
        await alice.WaitForSelectorAsync("#incident-viewers li[data-user-id=dana]", new() { State = WaitForSelectorState.Detached, Timeout = DebounceMs + LiveTimeoutMs });
        await alice.WaitForSelectorAsync("#incident-viewers-note:has-text('Nobody else is viewing')");

        // Dana opens it again, then closes the page: gone again.
        await dana.ClickAsync($"article[data-incident-id=\"{id}\"] a.incident-link");
        await alice.WaitForSelectorAsync("#incident-viewers li[data-user-id=dana]", new() { Timeout = LiveTimeoutMs });
        await dana.CloseAsync();
        await alice.WaitForSelectorAsync("#incident-viewers li[data-user-id=dana]", new() { State = WaitForSelectorState.Detached, Timeout = DebounceMs + LiveTimeoutMs });
        (await alice.QuerySelectorAsync(view)).Should().NotBeNull("Alice's view stays open");
        chromium.Errors.Should().BeEmpty();
    }
}
