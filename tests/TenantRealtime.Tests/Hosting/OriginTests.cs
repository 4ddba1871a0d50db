using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TenantRealtime.Tests.Hosting;

/// <summary>
/// Cross-site WebSocket hijacking is refused by default: a request to the hub that carries an <c>Origin</c> other than
/// the app's own (or a configured one) gets 403 on every endpoint and transport, whatever credentials it carries, while
/// the app's own pages, configured origins and clients that send no <c>Origin</c> connect as before.
/// </summary>
public sealed class OriginTests
{
    private const string Foreign = "https://evil.example";
    private const string Partner = "https://partner.example";
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    public enum Credentials
    {
        Cookie,
        BearerToken,
    }

    [Theory]
    [InlineData(Credentials.Cookie)]
    [InlineData(Credentials.BearerToken)]
    public async Task AForeignOriginIsRefusedOnEveryEndpointWhateverItsCredentials(Credentials credentials)
    {
        await using var node = await StartAsync(credentials);
        using var refusals = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.refusals");
        var cookies = credentials == Credentials.Cookie ? await CookieLogin.SignInAsync(node, Alice) : null;

        (await WebSocketStatusAsync(node, Foreign, cookies, credentials)).Should().Be(HttpStatusCode.Forbidden, "a WebSocket that skips negotiation");
        var negotiate = await SendAsync(node, HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1", Foreign, cookies, credentials);
        negotiate.Status.Should().Be(HttpStatusCode.Forbidden);
        negotiate.Body.Should().Contain("AllowedOrigins").And.Contain("\"code\":\"forbidden\"");
        negotiate.ContentType.Should().Be("application/problem+json");
        (await SendAsync(node, HttpMethod.Get, "/hubs/realtime?id=any", Foreign, cookies, credentials)).Status.Should().Be(HttpStatusCode.Forbidden, "a long-polling poll");
        (await SendAsync(node, HttpMethod.Get, "/hubs/realtime?id=any", Foreign, cookies, credentials, accept: "text/event-stream")).Status.Should().Be(HttpStatusCode.Forbidden, "server-sent events");
        var start = () => ConnectAsync(node, Foreign, cookies, credentials, HttpTransportType.WebSockets);
        await start.Should().ThrowAsync<Exception>("the official client cannot negotiate from another site");

        (await node.Registry.CountAsync()).Should().Be(0, "nothing connected, so nothing receives the tenant's broadcasts");
        refusals.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["tenantrealtime.reason"] == "foreign-origin");
        node.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains("origin https://evil.example", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Credentials.Cookie, HttpTransportType.WebSockets)]
    [InlineData(Credentials.Cookie, HttpTransportType.LongPolling)]
    [InlineData(Credentials.BearerToken, HttpTransportType.WebSockets)]
    [InlineData(Credentials.BearerToken, HttpTransportType.ServerSentEvents)]
    public async Task TheAppsOwnOriginAConfiguredOneAndNoOriginConnectAndReceive(Credentials credentials, HttpTransportType transport)
    {
        await using var node = await StartAsync(credentials, o => o.AllowedOrigins.Add(Partner));
        var cookies = credentials == Credentials.Cookie ? await CookieLogin.SignInAsync(node, Alice) : null;
        var own = node.BaseAddress.GetLeftPart(UriPartial.Authority);

        foreach (var origin in new[] { own, Partner, null })
        {
            await using var client = await ConnectAsync(node, origin, cookies, credentials, transport);
            await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", $"to {origin ?? "no origin"}");

            await client.WaitForAsync("news", m => m.String("data") == $"to {origin ?? "no origin"}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BehindATlsTerminatingProxyThePublicOriginIsTheAppsOwn(bool useForwardedHeaders)
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            App = useForwardedHeaders
                ? app => app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost })
                : null,
        });
        var proxied = new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https", ["X-Forwarded-Host"] = "app.example.com" };
        var preservedHost = new Dictionary<string, string> { ["Host"] = "app.example.com", ["X-Forwarded-Proto"] = "https" };

        (await SendAsync(node, HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1", "https://app.example.com", null, Credentials.BearerToken, headers: proxied))
            .Status.Should().Be(HttpStatusCode.OK, "an ingress that reports the public host");
        (await SendAsync(node, HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1", "https://app.example.com", null, Credentials.BearerToken, headers: preservedHost))
            .Status.Should().Be(HttpStatusCode.OK, "an ingress that keeps the Host header");
        (await SendAsync(node, HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1", Foreign, null, Credentials.BearerToken, headers: proxied))
            .Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACrossOriginSpaConnectsThroughNegotiateWithCorsAndCredentials()
    {
        const string Spa = "https://spa.example";
        await using var node = await RealtimeNode.StartAsync(CookieLogin.Configure(new RealtimeNodeOptions
        {
            Configure = o => o.AllowedOrigins.Add(Spa),
            Services = services => services.AddCors(cors => cors.AddPolicy("spa", policy => policy.WithOrigins(Spa).AllowCredentials().AllowAnyHeader().AllowAnyMethod())),
            App = app => app.UseCors(),
            Hub = hub => hub.RequireCors("spa"),
        }));
        var cookies = await CookieLogin.SignInAsync(node, Alice);

        var preflight = await SendAsync(node, HttpMethod.Options, "/hubs/realtime/negotiate?negotiateVersion=1", Spa, cookies, Credentials.Cookie, headers: new()
        {
            ["Access-Control-Request-Method"] = "POST",
            ["Access-Control-Request-Headers"] = "x-requested-with,x-signalr-user-agent",
        });
        var negotiate = await SendAsync(node, HttpMethod.Post, "/hubs/realtime/negotiate?negotiateVersion=1", Spa, cookies, Credentials.Cookie);
        await using var client = await ConnectAsync(node, Spa, cookies, Credentials.Cookie, HttpTransportType.WebSockets);
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "spa");

        preflight.Status.Should().Be(HttpStatusCode.NoContent);
        preflight.Headers.Should().Contain(("Access-Control-Allow-Origin", Spa)).And.Contain(("Access-Control-Allow-Credentials", "true"));
        negotiate.Status.Should().Be(HttpStatusCode.OK);
        negotiate.Headers.Should().Contain(("Access-Control-Allow-Origin", Spa));
        await client.WaitForAsync("news", m => m.String("data") == "spa");
    }

    [Fact]
    public void AWildcardIsAnExplicitOptionNotAnOrigin()
    {
        var validate = () => new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddLogging()
            .AddTenantRealtime(o => o.AllowedOrigins.Add("*")).Services.BuildServiceProvider()
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<TenantRealtimeOptions>>().Value;

        validate.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*AllowAnyOrigin*");
    }

    private static Task<RealtimeNode> StartAsync(Credentials credentials, Action<TenantRealtimeOptions>? configure = null)
    {
        var options = new RealtimeNodeOptions { Configure = configure };
        return RealtimeNode.StartAsync(credentials == Credentials.Cookie ? CookieLogin.Configure(options) : options);
    }

    private static async Task<RealtimeClient> ConnectAsync(RealtimeNode node, string? origin, CookieContainer? cookies, Credentials credentials, HttpTransportType transport)
    {
        var connection = new HubConnectionBuilder().WithUrl(node.HubUrl, options =>
        {
            options.Transports = transport;
            if (origin is not null)
            {
                options.Headers["Origin"] = origin;
            }

            if (cookies is not null)
            {
                options.Cookies = cookies;
            }

            if (credentials == Credentials.BearerToken)
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(Alice.Token());
            }
        }).Build();
        var client = RealtimeClient.Wrap(connection, origin ?? "no origin", "news");
        try
        {
            await client.StartAsync();
            await client.InvokeAsync("JoinOrganization", new Dictionary<string, object?> { ["organizationId"] = "org-a" });
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task<HttpStatusCode> WebSocketStatusAsync(RealtimeNode node, string origin, CookieContainer? cookies, Credentials credentials)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        if (cookies is not null)
        {
            socket.Options.Cookies = cookies;
        }

        var query = credentials == Credentials.BearerToken ? "?access_token=" + Uri.EscapeDataString(Alice.Token()) : "";
        var uri = new UriBuilder(node.HubUrl) { Scheme = "ws", Query = query }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    private static async Task<(HttpStatusCode Status, string Body, string? ContentType, List<(string, string)> Headers)> SendAsync(
        RealtimeNode node, HttpMethod method, string path, string? origin, CookieContainer? cookies, Credentials credentials, string? accept = null, Dictionary<string, string>? headers = null)
    {
        using var handler = new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = node.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (credentials == Credentials.BearerToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Alice.Token());
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        foreach (var (name, value) in headers ?? [])
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        // A server-sent-events stream that was accepted never ends; its status is all a test needs.
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();
        var all = response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => (h.Key, v))).ToList();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, all);
    }
}
