using System.Net;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Api;

/// <summary>Start-up rules: Development-only dev tokens, a signing key required elsewhere, the page and OpenAPI served.</summary>
public sealed class HostConfigurationTests
{
    [Fact]
    public void OutsideDevelopmentWithoutKeyOrAuthorityStartFailsNamingTheSetting()
    {
        var start = () => SampleHostApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Production"]);

        start.Should().Throw<InvalidOperationException>().WithMessage("*Auth:SigningKey*").WithMessage("*Auth:Authority*");
    }

    [Fact]
    public async Task OutsideDevelopmentDevTokenRouteDoesNotExistAndConfiguredKeyIsUsed()
    {
        var key = new string('p', 48);
        await using var server = await SampleHostServer.StartAsync(false, "--environment", "Production", $"--Auth:SigningKey={key}");

        var devToken = await server.Anonymous.PostAsync("/api/dev/token", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        devToken.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var client = new ApiClient(server.CreateClient(TestTokens.Sign(new() { ["sub"] = "u", ["org_id"] = "o", ["role"] = "admin" }, key)));
        (await client.GetAsync("/api/status")).Status.Should().Be(HttpStatusCode.OK);
        using var devKeyClient = new ApiClient(server.CreateClient(TestTokens.Sign(new() { ["sub"] = "u", ["org_id"] = "o" })));
        (await devKeyClient.GetAsync("/api/status")).Status.Should().Be(HttpStatusCode.Unauthorized, "the development key is not trusted in production");
    }

    [Fact]
    public async Task ServesThePageWithTheLocalSignalRClientAndTheOpenApiDocument()
    {
        await using var server = await SampleHostServer.StartAsync();

        var page = await server.Anonymous.GetStringAsync("/");
        page.Should().Contain("lib/signalr/signalr.min.js").And.NotContain("cdn");
        (await server.Anonymous.GetAsync("/lib/signalr/signalr.min.js")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.Anonymous.GetAsync("/js/realtime.js")).StatusCode.Should().Be(HttpStatusCode.OK);
        var openApi = await server.Anonymous.GetStringAsync("/openapi/v1.json");
        openApi.Should().Contain("/api/services/{id}").And.Contain("/api/incidents/{id}/updates").And.Contain("/api/websocket/broadcast");
    }

    [Fact]
    public async Task ServesTheTypeScriptClientBuiltFromTheRepositoryAndNothingFromElsewhere()
    {
        await using var server = await SampleHostServer.StartAsync();

        // The build's copy of the package's one-file browser build, byte for byte what clients/typescript built.
        var built = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot(), "clients", "typescript", "dist", "tenantrealtime.browser.js"));
        (await server.Anonymous.GetByteArrayAsync("/lib/tenantrealtime/tenantrealtime.browser.js")).Should().Equal(built);
        (await server.Anonymous.GetAsync("/lib/tenantrealtime/tenantrealtime.browser.js.map")).StatusCode.Should().Be(HttpStatusCode.OK);

        var realtime = await server.Anonymous.GetStringAsync("/js/realtime.js");
        realtime.Should().Contain("from '../lib/tenantrealtime/tenantrealtime.browser.js'");
        (await server.Anonymous.GetAsync("/js/recovery.js")).StatusCode.Should().Be(HttpStatusCode.NotFound, "the package replaced the page's own recovery module");
        foreach (var script in new[] { "/", "/js/app.js", "/js/realtime.js", "/js/saved-state.js", "/js/session.js", "/js/api.js", "/js/view.js" })
        {
            // No absolute URL at all: everything the page loads comes from the host that served it.
            (await server.Anonymous.GetStringAsync(script)).Should().NotContain("http://", script).And.NotContain("https://", script).And.NotContain("//cdn", script);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TenantRealtime.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No TenantRealtime.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public async Task PagesOfAConfiguredOriginMayUseTheHubAndOthersAreRefused()
    {
        await using var server = await SampleHostServer.StartAsync(false, "--SampleHost:AllowedOrigins=https://portal.example.com, https://status.example.com");
        using var client = server.CreateClient(await server.TokenAsync("alice", "org-a", "tenant-1", "member"));

        async Task<HttpStatusCode> NegotiateFromAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1");
            request.Headers.Add("Origin", origin);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        (await NegotiateFromAsync("https://status.example.com")).Should().Be(HttpStatusCode.OK);
        (await NegotiateFromAsync(server.BaseAddress.GetLeftPart(UriPartial.Authority))).Should().Be(HttpStatusCode.OK, "the host's own page");
        (await NegotiateFromAsync("https://evil.example")).Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DevelopmentSeedsTwoDemoOrganizations()
    {
        await using var server = await SampleHostServer.StartAsync(seedDemoData: true);
        using var acme = await server.ClientAsync("carol", "org-a", null, "admin");
        using var globex = await server.ClientAsync("erin", "org-b", null, "admin");

        var acmeStatus = (await acme.GetAsync("/api/status")).Json;
        acmeStatus.GetProperty("incidents").GetArrayLength().Should().Be(1);
        acmeStatus.GetProperty("indicator").GetString().Should().Be("minor");
        (await globex.GetAsync("/api/status")).Json.GetProperty("indicator").GetString().Should().Be("none");
    }
}
