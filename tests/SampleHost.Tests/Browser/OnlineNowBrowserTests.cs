using Microsoft.Playwright;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Browser;

/// <summary>
/// The page's "Online now" card in real headless Chromium against the real host (presence on, as the sample runs it):
/// a member sees who of its tenant is online, live, by name; a user who leaves goes once the debounce window has
/// passed; users of another tenant or organization never appear; an admin sees its whole organization.
/// </summary>
public sealed class OnlineNowBrowserTests
{
    private const string AlicePage = "/?user=alice&org=org-a&tenant=tenant-1&role=member";
    private const string CarolPage = "/?user=carol&org=org-a&role=admin";

    private static readonly float LiveTimeoutMs = 3_000;

    [Fact]
    public async Task TheCardShowsWhoOfTheViewersScopeIsOnlineLiveAndNobodyElse()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true, "--TenantRealtime:PresenceDebounce=00:00:01");
        await using var chromium = await HeadlessChromium.OpenAsync();
        var alice = chromium.Page;

        // Alice sees herself, by the name in her token.
        await alice.GotoAsync(new Uri(server.BaseAddress, AlicePage).ToString());
        await alice.WaitForSelectorAsync("#online-now:not([hidden])[data-scope=tenant] #online-users li[data-user-id=alice]");
        (await alice.TextContentAsync("#online-users li[data-user-id=alice]")).Should().Contain("Alice Moreau").And.Contain("(you)");
        (await alice.TextContentAsync("#online-count")).Should().Be("1");
        (await alice.TextContentAsync("#online-scope")).Should().Contain("tenant-1");

        // Bob (tenant 2) and Dave (tenant 1 of another organization) come online; then Dana, of Alice's tenant.
        await using var bob = await server.ListenAsync("bob", "org-a", "tenant-2", "member");
        await using var dave = await server.ListenAsync("dave", "org-b", "tenant-1", "member");
        var dana = await server.ListenAsync("dana", "org-a", "tenant-1", "member");
        await alice.WaitForSelectorAsync("#online-users li[data-user-id=dana]", new() { Timeout = LiveTimeoutMs });
        (await alice.TextContentAsync("#online-count")).Should().Be("2");
        (await alice.QuerySelectorAllAsync("#online-users li")).Should().HaveCount(2, "another tenant's and another organization's users never show");

        // Carol, an admin of the organization, sees all of it: both tenants and herself, not the other organization.
        var carol = await chromium.NewPageAsync();
        await carol.GotoAsync(new Uri(server.BaseAddress, CarolPage).ToString());
        await carol.WaitForSelectorAsync("#online-now:not([hidden])[data-scope=organization] #online-users li[data-user-id=carol]");
        await carol.WaitForSelectorAsync("#online-users li[data-user-id=dana]", new() { Timeout = LiveTimeoutMs });
        var listed = await carol.EvalOnSelectorAllAsync<string[]>("#online-users li", "items => items.map(i => i.dataset.userId)");
        listed.Should().BeEquivalentTo("alice", "bob", "carol", "dana");

        // Dana leaves: gone from both cards once the debounce window (1 s here) has passed.
        await dana.DisposeAsync();
        await alice.WaitForSelectorAsync("#online-users li[data-user-id=dana]", new() { State = WaitForSelectorState.Detached, Timeout = 1_000 + LiveTimeoutMs });
        await carol.WaitForSelectorAsync("#online-users li[data-user-id=dana]", new() { State = WaitForSelectorState.Detached, Timeout = 1_000 + LiveTimeoutMs });
        (await alice.TextContentAsync("#online-count")).Should().Be("1");
        (await alice.QuerySelectorAsync("#online-users li[data-user-id=alice]")).Should().NotBeNull();
        chromium.Errors.Should().BeEmpty();
    }
}
