using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using TenantRealtime;

namespace SampleHost.Api;

/// <summary>Problem details for every error, in every environment.</summary>
internal static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddSampleApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.Configure<JsonOptions>(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        return services;
    }

    public static WebApplication UseSampleApi(this WebApplication app)
    {
        // Explicit, so the Development exception page (which shows stack traces) never sees an exception.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // With Redis unreachable, cluster-wide reads (and broadcasts in OutageMode.Reject) are a 503: try again later.
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                TenantRealtimeUnavailableException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });

        // Empty 401/403/404/405 responses (challenge, unknown route) get a problem details body too.
        app.UseStatusCodePages();
        return app;
    }
}
