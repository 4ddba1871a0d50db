using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Demo;
using SampleHost.Incidents;
using SampleHost.Observability;
using SampleHost.Realtime;
using SampleHost.Services;
using SampleHost.Status;
using SampleHost.Storage;

namespace SampleHost;

/// <summary>Builds the sample host: services, middleware and endpoints, in the order the pipeline needs them.</summary>
internal static class SampleHostApp
{
    /// <summary>Builds the app from command-line style arguments (<c>--urls</c>, <c>--environment</c>, <c>--Section:Key=value</c>).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="configure">Runs last, just before the app is built: tests add log capture here or inspect the services.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,

            // The host must start from any working directory: settings and wwwroot sit next to the assembly.
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(SampleHostApp).Assembly.GetName().Name,
        });

        builder.Services.AddSampleApi();
        builder.Services.AddSampleAuthentication(builder.Configuration, builder.Environment);
        builder.Services.AddSampleRealtime(builder.Configuration);
        builder.Services.AddSampleStorage();
        builder.Services.AddSampleStatus();
        builder.Services.AddSampleDemo(builder.Configuration);
        builder.Services.AddOpenApi();
        builder.Services.AddSampleTelemetry(builder.Configuration, builder.Environment);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSampleApi();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapSampleHealth();
        app.MapSampleRealtime();
        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapServiceEndpoints();
        api.MapIncidentEndpoints();
        api.MapStatusEndpoints();
        api.MapWebSocketEndpoints();
        if (app.Environment.IsDevelopment())
        {
            app.MapDevEndpoints();
        }

        app.SeedDemoDataIfEnabled();
        return app;
    }
}
