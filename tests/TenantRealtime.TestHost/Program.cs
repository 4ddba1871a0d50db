using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using TenantRealtime;

// Kestrel on 127.0.0.1 with a port the OS picks, anonymous connections (no authentication to set up in a child
// process), TenantRealtime's defaults otherwise: with no MaxConnectionsPerServer, the ceiling is derived from the
// process's open-file limit. Prints "listening <address>" once it serves; logs go to the console for the test to read.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Services.AddTenantRealtime(o => o.AllowAnonymous = true);

var app = builder.Build();
app.MapTenantRealtime();
app.MapGet("/", () => "ok");

// Lets the test prove the connections the server holds are still served once it refuses new ones.
app.MapPost("/broadcast/{marker}", async (string marker, ITenantBroadcaster broadcaster) =>
{
    await broadcaster.BroadcastToAllAsync("news", "created", marker);
    return Results.Accepted();
});

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
Console.WriteLine($"listening {address}");
await app.WaitForShutdownAsync();
