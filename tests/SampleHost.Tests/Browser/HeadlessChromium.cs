using Microsoft.Playwright;

namespace SampleHost.Tests.Browser;

/// <summary>The sample page's browser tests' Chromium: Debian's, headless, with a throwaway profile each.</summary>
internal static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Launches Chromium with its profile in <paramref name="userDataDir"/> and returns it with its first page.</summary>
    public static async Task<(IBrowserContext Browser, IPage Page)> LaunchAsync(IPlaywright playwright, DirectoryInfo userDataDir)
    {
        File.Exists(ExecutablePath).Should().BeTrue($"the browser tests need Chromium at {ExecutablePath}: install it with `apt-get install -y chromium`");
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir.FullName, new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        return (browser, page);
    }
}
