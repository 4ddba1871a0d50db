namespace SampleHost.Demo;

/// <summary>The <c>SampleHost</c> configuration section.</summary>
internal sealed class SampleHostOptions
{
    /// <summary>Seeds the demo organizations in Development. The default is <see langword="true"/>; <c>SampleHost__SeedDemoData=false</c> starts empty.</summary>
    public bool SeedDemoData { get; set; } = true;
}

internal static class DemoServiceCollectionExtensions
{
    public static IServiceCollection AddSampleDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SampleHostOptions>(configuration.GetSection("SampleHost"));
        services.AddSingleton<DemoData>();
        return services;
    }

    public static void SeedDemoDataIfEnabled(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SampleHostOptions>>().Value;
        if (app.Environment.IsDevelopment() && options.SeedDemoData)
        {
            app.Services.GetRequiredService<DemoData>().Seed();
        }
    }
}
