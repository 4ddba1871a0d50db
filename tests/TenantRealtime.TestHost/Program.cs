using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using TenantRealtime;
using TenantRealtime.Redis;
using TenantRealtime.TestHost;

// Kestrel on 127.0.0.1 with a port the OS picks, TenantRealtime's defaults otherwise: with no MaxConnectionsPerServer,
// the ceiling is derived from the process's open-file limit. By default connections are anonymous (no
// authentication to set up in a child process) and everything is in memory; the switches of TestHostSettings add
// Redis and JWT bearer. Prints "listening <address>" once it serves; logs go to the console for the test to read.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
var settings = builder.Configuration.Get<TestHostSettings>() ?? new TestHostSettings();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

var realtime = builder.Services.AddTenantRealtime(o =>
{
    o.AllowAnonymous = settings.Jwt is null;
    o.HistoryMaxMessages = settings.HistoryMaxMessages ?? o.HistoryMaxMessages;
    o.MaxConnectsPerSecond = settings.MaxConnectsPerSecond ?? o.MaxConnectsPerSecond;
    foreach (var prefix in settings.PresenceTopicPrefixes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
    {
        o.TopicPrefixes[prefix] = new TopicPrefixOptions { EnablePresence = true };
    }
});

// Any option of the library from the command line (--TenantRealtime:EnablePresence=true), as an app binds them.
builder.Services.Configure<TenantRealtimeOptions>(builder.Configuration.GetSection("TenantRealtime"));

// Clients may pick either hub protocol (the TypeScript client's MessagePack tests); JSON clients see no change.
builder.Services.AddSignalR().AddMessagePackProtocol();
if (settings.Jwt is { } jwt)
{
    builder.Services.AddTestJwtBearer(jwt);
}

if (settings.Redis is { } redis)
{
    realtime.AddRedis(redis, o => o.ChannelPrefix = settings.ChannelPrefix ?? o.ChannelPrefix);

    // Its timings too (--TenantRealtimeRedis:ServerTimeout=00:00:02), for tests that kill a server and wait for it.
    builder.Services.Configure<TenantRealtimeRedisOptions>(builder.Configuration.GetSection("TenantRealtimeRedis"));
}

builder.Services.AddSingleton<OutboxGauge>();
RoleOverrides.Decorate(builder.Services);
TopicRefusals.Decorate(builder.Services);

var app = builder.Build();
app.MapTenantRealtime();
app.MapTestEndpoints();
app.MapJsClientEndpoints();
if (settings.Redis is not null)
{
    // The Redis package's health check alone: 200 once this server's connection to Redis is back (connected and
    // answering PING), 503 while it still knows Redis as down, when its Resume answers recovered=false.
    app.MapHealthChecks("/health/redis", new HealthCheckOptions { Predicate = check => check.Name == TenantRealtimeRedisBuilderExtensions.HealthCheckName });
}

await app.StartAsync();
if (settings.StopWhenStdinCloses)
{
    StdinWatch.StopWhenStdinCloses(app.Lifetime);
}

var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
Console.WriteLine($"listening {address}");
await app.WaitForShutdownAsync();
