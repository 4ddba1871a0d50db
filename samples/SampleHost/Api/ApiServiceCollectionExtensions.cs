using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

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
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });

        // Empty 401/403/404/405 responses (challenge, unknown route) get a problem details body too.
        app.UseStatusCodePages();
        return app;
    }
}
