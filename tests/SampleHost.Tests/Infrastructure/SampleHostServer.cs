using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace SampleHost.Tests.Infrastructure;

/// <summary>The real sample host on Kestrel at 127.0.0.1 on a free port, started exactly as Program.cs starts it.</summary>
public sealed class SampleHostServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient anonymous;

    private SampleHostServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        anonymous = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public static Task<SampleHostServer> StartAsync(bool seedDemoData = false, params string[] extraArgs) =>
        StartAsync(configure: null, seedDemoData, extraArgs);

    /// <summary>Starts the host; <paramref name="configure"/> runs on its builder last (log capture, service inspection).</summary>
    public static async Task<SampleHostServer> StartAsync(Action<WebApplicationBuilder>? configure, bool seedDemoData = false, params string[] extraArgs)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Development",
            $"--SampleHost:SeedDemoData={seedDemoData}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        var app = SampleHostApp.Build(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SampleHostServer(app, new Uri(address));
    }

    public HttpClient Anonymous => anonymous;

    /// <summary>The host's services (for the log collector a test added, or the health check service).</summary>
    public IServiceProvider Services => app.Services;

    public async Task<string> TokenAsync(string userId, string organizationId, string? tenantId, string role)
    {
        var response = await anonymous.PostAsJsonAsync("/api/dev/token", new { userId, organizationId, tenantId, role });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("token").GetString()!;
    }

    public async Task<ApiClient> ClientAsync(string userId, string organizationId, string? tenantId, string role) =>
        new(CreateClient(await TokenAsync(userId, organizationId, tenantId, role)));

    public HttpClient CreateClient(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Connects a real .NET SignalR client and waits until the hub has placed it in its rooms; with
    /// <paramref name="withState"/> it also authenticates, so it has received its rooms' whole state and gets their changes.
    /// </summary>
    public async Task<HubListener> ListenAsync(string userId, string organizationId, string? tenantId, string role, bool withState = false)
    {
        var token = await TokenAsync(userId, organizationId, tenantId, role);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/realtime"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var listener = new HubListener(connection);
        await connection.StartAsync();

        // Invocations run after OnConnectedAsync, so once Ping answers the connection holds its rooms.
        await connection.InvokeAsync<JsonElement>("Ping");
        if (withState)
        {
            await connection.InvokeAsync<JsonElement>("Authenticate", new { });
        }

        return listener;
    }

    /// <summary>
    /// Sends a "sentinel" event to one user, after the action under test. Events to one connection arrive in order,
    /// so once the sentinel is in, an event the action had sent would be too: absence can be asserted without sleeping.
    /// </summary>
    public async Task<string> SendSentinelAsync(string organizationId, string userId)
    {
        var marker = $"m{Guid.NewGuid():N}";
        using var operator_ = await ClientAsync("operator", "platform-ops", null, "platform-admin");
        var response = await operator_.PostAsync("/api/websocket/broadcast", new { scope = "user", organizationId, userId, @event = "sentinel", type = marker });
        response.Status.Should().Be(System.Net.HttpStatusCode.Accepted, response.Text);
        return marker;
    }

    public async ValueTask DisposeAsync()
    {
        anonymous.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
