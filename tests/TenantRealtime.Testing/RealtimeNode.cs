using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TenantRealtime.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an OS-assigned port, JWT bearer authentication as a real app has it
/// (the <c>access_token</c> query read for the hub path only) and TenantRealtime mapped at the contract's path.
/// </summary>
public sealed class RealtimeNode : IAsyncDisposable
{
    public const string HubPath = "/hubs/realtime";

    private readonly WebApplication _app;
    private bool _stopped;

    private RealtimeNode(WebApplication app, Uri baseAddress, FakeLogCollector logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, HubPath);

    public IServiceProvider Services => _app.Services;

    public FakeLogCollector Logs { get; }

    public ITenantBroadcaster Broadcaster => Services.GetRequiredService<ITenantBroadcaster>();

    public IConnectionRegistry Registry => Services.GetRequiredService<IConnectionRegistry>();

    public ITenantConnectionManager Connections => Services.GetRequiredService<ITenantConnectionManager>();

    public static async Task<RealtimeNode> StartAsync(RealtimeNodeOptions? options = null)
    {
        options ??= new RealtimeNodeOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = options.ApplicationName,
            EnvironmentName = Environments.Development,
        });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new FakeLoggerProvider(options.Logs));

        if (options.UseJwtAuthentication)
        {
            builder.Services.AddAuthentication().AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = TestJwt.ValidationParameters();
                jwt.TokenValidationParameters.ClockSkew = options.JwtClockSkew;
                jwt.Events = new Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets: SignalR clients send the token in the query.
                    OnMessageReceived = context =>
                    {
                        if (context.HttpContext.Request.Path.StartsWithSegments(HubPath) &&
                            context.Request.Query.TryGetValue("access_token", out var token))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        }

        var realtime = builder.Services.AddTenantRealtime(options.Configure);
        builder.Services.AddSignalR().AddMessagePackProtocol();
        options.Realtime?.Invoke(realtime);
        options.Services?.Invoke(builder.Services);

        var app = builder.Build();
        options.App?.Invoke(app);
        var hub = app.MapTenantRealtime(HubPath, options.ConfigureConnection);
        options.Hub?.Invoke(hub);
        app.MapGet("/", () => Results.Ok("ok"));
        await app.StartAsync().ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RealtimeNode(app, new Uri(address), options.Logs);
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for this node's registry: a disconnect is processed by the server
    /// a moment after the client sees its connection close.
    /// </summary>
    public async Task WaitForRegistryAsync(Func<IConnectionRegistry, Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + RealtimeClient.DefaultTimeout;
        while (!await condition(Registry).ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The registry did not reach the expected counts.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server gracefully (connections are closed, shutdown hooks run).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
