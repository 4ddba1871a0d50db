using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SampleHost.Observability;

/// <summary>
/// OpenTelemetry export of metrics and traces, switched on by <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> alone. Unset,
/// nothing of OpenTelemetry is registered and the host pays nothing (the meters still work for dotnet-counters).
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard variable; read through configuration, so <c>--OTEL_EXPORTER_OTLP_ENDPOINT=...</c> works too.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    public const string ProtocolSetting = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>The library's meter and activity source (see docs/observability.md).</summary>
    public const string TenantRealtimeSource = "TenantRealtime";

    /// <summary>The Redis package's meter (publish failures); silent when Redis is not configured.</summary>
    public const string TenantRealtimeRedisMeter = "TenantRealtime.Redis";

    /// <summary>SignalR's connection meter.</summary>
    public const string SignalRConnectionsMeter = "Microsoft.AspNetCore.Http.Connections";

    public static IServiceCollection AddSampleTelemetry(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(configuration[EndpointSetting]))
        {
            return services;
        }

        // Every other OTEL_* setting (OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_SCHEDULE_DELAY,
        // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, headers) is read by the SDK from configuration as usual.
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service; otherwise the application does.
                if (string.IsNullOrWhiteSpace(configuration[ServiceNameSetting]))
                {
                    resource.AddService(environment.ApplicationName);
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(TenantRealtimeSource, TenantRealtimeRedisMeter, SignalRConnectionsMeter)
                .AddAspNetCoreInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(TenantRealtimeSource)
                .AddAspNetCoreInstrumentation());

        // The .NET exporter defaults to gRPC (port 4317); the OpenTelemetry specification's default, and what the
        // documented `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318` expects, is http/protobuf. An explicit
        // OTEL_EXPORTER_OTLP_PROTOCOL still wins.
        var endpoint = configuration[EndpointSetting]!;
        if (string.IsNullOrWhiteSpace(configuration[ProtocolSetting]) && Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUrl))
        {
            telemetry.UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, baseUrl);
        }
        else
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
