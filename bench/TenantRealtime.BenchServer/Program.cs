using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.IdentityModel.Tokens;
using TenantRealtime.BenchServer;
using TenantRealtime.BenchShared;

// The benchmark server. One process, one mode:
//   tenantrealtime        AddTenantRealtime() + MapTenantRealtime(), in memory
//   tenantrealtime-redis  the same plus .AddRedis(--redis)
//   signalr               a bare hub that joins the same groups itself and sends through IHubContext (the floor)
//   signalr-redis         the same bare hub on SignalR's own Redis backplane, AddStackExchangeRedis(--redis)
// Every mode authenticates the same way: a HS256 JWT in ?access_token= on the WebSocket request.
// Runtime knobs (GC, thread pool) come from the environment the harness sets; app-level knobs from arguments.
var settings = ServerSettings.Parse(args);
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddSimpleConsole();
builder.WebHost.UseUrls(settings.Url);
builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
builder.Services.Configure<SocketTransportOptions>(o =>
{
    // Runs socket continuations on the epoll thread instead of hopping to the thread pool.
    o.UnsafePreferInlineScheduling = settings.InlineScheduling;
    if (settings.IoQueueCount is { } queues)
    {
        o.IOQueueCount = queues;
    }
});

builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
{
    o.MapInboundClaims = false;
    o.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = BenchAuth.Issuer,
        ValidAudience = BenchAuth.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.JwtKey)),
        NameClaimType = "sub",
        RoleClaimType = "role",
    };
    o.Events = new JwtBearerEvents
    {
        OnMessageReceived = context =>
        {
            if (context.Request.Path.StartsWithSegments(BenchAuth.HubPath) &&
                context.Request.Query.TryGetValue("access_token", out var token))
            {
                context.Token = token;
            }

            return Task.CompletedTask;
        },
    };
});
builder.Services.AddAuthorization();
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<Driver>();
builder.Services.AddSingleton<GcPauses>();
builder.Services.AddSingleton<ServerMeters>();
builder.Services.AddSingleton<StateFill>();

if (settings.Mode is ServerModes.TenantRealtime or ServerModes.TenantRealtimeRedis)
{
    // --no-recovery turns off the per-room history (replay after reconnect), to measure what it costs;
    // --history-messages keeps it on but shorter, to tell what keeping broadcasts costs from the rest of it;
    // --presence turns presence on, to measure what it costs.
    var realtime = builder.Services.AddTenantRealtime(o =>
    {
        o.EnableRecovery = !settings.NoRecovery;
        o.HistoryMaxMessages = settings.HistoryMessages ?? o.HistoryMaxMessages;
        o.MaxConnectsPerSecond = settings.MaxConnectsPerSecond ?? o.MaxConnectsPerSecond;

        // --presence: who is online per tenant and organization, with the library's defaults otherwise (issue 21).
        o.EnablePresence = settings.Presence;

        // BENCH_STATE_UPDATES_PER_SECOND (through the harness's BENCH_SERVER_ENV): another per-key rate bound, to
        // choose the default from measurements (issue 30).
        if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_STATE_UPDATES_PER_SECOND"), out var stateRate))
        {
            o.StateUpdatesPerSecondPerKey = stateRate;
        }
    });
    if (settings.Mode == ServerModes.TenantRealtimeRedis)
    {
        realtime.AddRedis(settings.Redis ?? throw new InvalidOperationException("--redis is required in tenantrealtime-redis mode."));
    }

    builder.Services.AddSingleton<IBenchSender, TenantRealtimeSender>();
}
else
{
    var signalR = builder.Services.AddSignalR();
    if (settings.Mode == ServerModes.SignalRRedis)
    {
        // --redis is a StackExchange.Redis configuration string, as for tenantrealtime-redis.
        signalR.AddStackExchangeRedis(settings.Redis ?? throw new InvalidOperationException("--redis is required in signalr-redis mode."));
    }

    builder.Services.AddSingleton<IBenchSender, BareSignalRSender>();
}

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

void ConfigureConnection(Microsoft.AspNetCore.Http.Connections.HttpConnectionDispatcherOptions o)
{
    o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
    if (settings.MaxBufferSize is { } size)
    {
        o.ApplicationMaxBufferSize = size;
        o.TransportMaxBufferSize = size;
    }
}

if (settings.Mode is ServerModes.SignalR or ServerModes.SignalRRedis)
{
    app.MapHub<BareHub>(BenchAuth.HubPath, ConfigureConnection).RequireAuthorization();
}
else
{
    app.MapTenantRealtime(BenchAuth.HubPath, ConfigureConnection);
}

// Listening from the start, so the backlog's peak and the slow-consumer closes of every drive are seen.
_ = app.Services.GetRequiredService<ServerMeters>();
ControlEndpoints.Map(app);
await app.RunAsync();
