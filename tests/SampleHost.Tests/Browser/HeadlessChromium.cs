using Microsoft.Playwright;

namespace SampleHost.Tests.Browser;

/// <summary>The sample page's browser tests' Chromium: Debian's, headless, with a throwaway profile each.</summary>
internal static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Launches Chromium with a profile of its own; disposing the session closes it and deletes the profile.</summary>
    public static async Task<ChromiumSession> OpenAsync()
    {
        File.Exists(ExecutablePath).Should().BeTrue($"the browser tests need Chromium at {ExecutablePath}: install it with `apt-get install -y chromium`");
        var userDataDir = Directory.CreateTempSubdirectory("sample-host-chromium-");
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir.FullName, new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
                ViewportSize = new() { Width = 1280, Height = 900 },
            });
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            return new ChromiumSession(userDataDir, playwright, browser, page);
        }
        catch
        {
            playwright?.Dispose();
            userDataDir.Delete(recursive: true);
            throw;
        }
    }
}

/// <summary>One launched Chromium: its first page, the script errors of every page it opened, and its profile.</summary>
internal sealed class ChromiumSession : IAsyncDisposable
{
    private readonly DirectoryInfo _userDataDir;
    private readonly IPlaywright _playwright;

    internal ChromiumSession(DirectoryInfo userDataDir, IPlaywright playwright, IBrowserContext browser, IPage page)
    {
        (_userDataDir, _playwright, Browser, Page) = (userDataDir, playwright, browser, page);
        Watch(page);
    }

    public IBrowserContext Browser { get; }

    public IPage Page { get; }

    /// <summary>Gets the uncaught script errors of the session's pages: a test ends expecting none.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Opens another page (another tab, the same profile), its errors collected too.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync();
        Watch(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        _userDataDir.Delete(recursive: true);
    }

    private void Watch(IPage page) => page.PageError += (_, error) =>
    {
        lock (Errors)
        {
            Errors.Add(error);
        }
    };
}
