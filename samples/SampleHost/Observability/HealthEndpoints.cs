using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SampleHost.Observability;

/// <summary>
/// <c>GET /health</c>: every registered check (the library's <c>tenantrealtime</c>, and <c>tenantrealtime-redis</c>
/// when Redis is configured) as JSON. 200 when healthy or degraded, 503 when unhealthy; anonymous, for load balancers.
/// </summary>
internal static class HealthEndpoints
{
    public const string Pattern = "/health";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static void MapSampleHealth(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks(Pattern, new HealthCheckOptions { ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .WithTags("Health");

    /// <summary>
    /// Status, description, duration and data per check. Exceptions are left out on purpose: their messages can
    /// name hosts and ports, and this endpoint is anonymous.
    /// </summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        // Written to a buffer first: the serializer flushes synchronously, and Kestrel refuses synchronous writes.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, report);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static void Write(Utf8JsonWriter writer, HealthReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteNumber("totalDurationMs", report.TotalDuration.TotalMilliseconds);
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                writer.WriteString("description", description);
            }

            writer.WriteNumber("durationMs", entry.Duration.TotalMilliseconds);
            writer.WriteStartArray("tags");
            foreach (var tag in entry.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("data");
            foreach (var (key, value) in entry.Data)
            {
                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(object));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
