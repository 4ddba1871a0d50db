using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;
using TenantRealtime;

namespace SampleHost.Tests.Browser;

/// <summary>
/// The page renders from the realtime client's keyed state, in real headless Chromium: no REST read on load or on a
/// page reload, and a service flipped far faster than a browser needs ends on the page with its latest status.
/// </summary>
public sealed class FlappingServiceBrowserTests
{
    private const string AlicePage = "/?user=alice&org=org-a&tenant=tenant-1&role=member";
    private const int Flips = 200;
    private static readonly string[] Statuses = ["major_outage", "operational"];
    private static readonly float LiveTimeoutMs = 5_000;

    [Fact]
    public async Task ThePageShowsAFlappingServicesLatestStatusWithoutReadingTheRestApi()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acmeAdmin = await server.ClientAsync("carol", "org-a", null, "admin");
        using var alice = await server.ClientAsync("alice", "org-a", "tenant-1", "member");
        await using var chromium = await HeadlessChromium.OpenAsync();
        var page = chromium.Page;
        var apiReads = new List<string>();
        page.Request += (_, request) =>
        {
            // The dev endpoints pick the demo user and fetch its token; any other API read would be the state.
            var path = new Uri(request.Url).AbsolutePath;
            if (path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/api/dev/", StringComparison.Ordinal))
            {
                lock (apiReads)
                {
                    apiReads.Add($"{request.Method} {path}");
                }
            }
        };

        await page.GotoAsync(new Uri(server.BaseAddress, AlicePage).ToString());
        await page.WaitForSelectorAsync("#connection[data-state=connected]");
        await page.WaitForSelectorAsync("#event-log li[data-event=connection]"); // rendered from the state received
        (await page.TextContentAsync("#banner-text")).Should().Be("Partially Degraded Service");
        (await page.QuerySelectorAllAsync("[data-service-id]")).Should().HaveCount(7, "five org-wide services and tenant 1's two");
        (await page.QuerySelectorAllAsync("[data-incident-id=inc-api-latency]")).Should().HaveCount(1);

        // Far faster than any page needs: the state goes out at most StateUpdatesPerSecondPerKey times a second, and
        // the event log shows what reached the page (counted here as lines are added: it keeps only the newest).
        await page.EvaluateAsync(CountWebsiteLines);
        var started = Stopwatch.StartNew();
        for (var i = 0; i < Flips; i++)
        {
            var response = await acmeAdmin.PatchAsync("/api/services/web", new { status = Statuses[i % 2] });
            response.Status.Should().Be(HttpStatusCode.OK, response.Text);
        }

        (await acmeAdmin.PatchAsync("/api/services/web", new { status = "partial_outage" })).Status.Should().Be(HttpStatusCode.OK);
        await page.WaitForSelectorAsync("[data-service-id=web] .status[data-status=partial_outage]", new() { Timeout = LiveTimeoutMs });
        var elapsed = started.Elapsed;
        var lines = await page.EvaluateAsync<int>("() => window.websiteLines");
        var perSecond = server.Services.GetRequiredService<IOptionsMonitor<TenantRealtimeOptions>>().CurrentValue.StateUpdatesPerSecondPerKey;
        lines.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(2 + (int)Math.Ceiling(elapsed.TotalSeconds * perSecond),
            $"the log lists the website's changes as the page got them, at most {perSecond} a second ({elapsed}), not its {Flips + 1} flips");
        (await page.TextContentAsync("#event-log li[data-event=service]")).Should().EndWith("Website → Partial outage", "the newest line is the latest value");
        await page.WaitForSelectorAsync("#banner[data-indicator=major]", new() { Timeout = LiveTimeoutMs });
        await ExpectPageEqualsRestAsync(page, alice);

        // A reload renders the state the client kept in the tab, and resumes what changed since: still no REST read.
        (await acmeAdmin.PatchAsync("/api/services/t1-db", new { status = "under_maintenance" })).Status.Should().Be(HttpStatusCode.OK);
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#event-log li[data-event=connection]");
        await page.WaitForSelectorAsync("[data-service-id=t1-db] .status[data-status=under_maintenance]", new() { Timeout = LiveTimeoutMs });
        await ExpectPageEqualsRestAsync(page, alice);

        lock (apiReads)
        {
            apiReads.Should().BeEmpty("the page renders from the realtime client's state, on load and after a reload");
        }

        chromium.Errors.Should().BeEmpty();
    }

    /// <summary>Counts, in <c>window.websiteLines</c>, the event log's lines about the website from now on.</summary>
    private const string CountWebsiteLines = """
        () => {
          window.websiteLines = 0;
          new MutationObserver(records => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.dataset?.event === 'service' && node.textContent.includes('Website →')) window.websiteLines++;
              }
            }
          }).observe(document.getElementById('event-log'), { childList: true });
        }
        """;

    /// <summary>Every service row shows the status the API has for it, and the banner its indicator.</summary>
    private static async Task ExpectPageEqualsRestAsync(IPage page, ApiClient viewer)
    {
        var rest = (await viewer.GetAsync("/api/status")).Json;
        var expected = rest.GetProperty("services").EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString());
        var shown = await page.EvalOnSelectorAllAsync<Dictionary<string, string>>("[data-service-id]",
            "rows => Object.fromEntries(rows.map(r => [r.dataset.serviceId, r.querySelector('.status').dataset.status]))");
        shown.Should().BeEquivalentTo(expected);
        (await page.GetAttributeAsync("#banner", "data-indicator")).Should().Be(rest.GetProperty("indicator").GetString());
    }
}
