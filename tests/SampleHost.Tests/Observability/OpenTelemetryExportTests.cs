using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Observability;

/// <summary>OTLP export switched on by OTEL_EXPORTER_OTLP_ENDPOINT alone, and nothing of OpenTelemetry without it.</summary>
public sealed class OpenTelemetryExportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData(null)] // The host's default is http/protobuf too, as the OpenTelemetry specification's is.
    public async Task WithAnEndpointMetricsAndTracesOfABroadcastAreExported(string? protocol)
    {
        await using var collector = await FakeOtlpCollector.StartAsync();

        // The standard variables, given as configuration: the host and the SDK read both the same way, and a test
        // must not set process-wide environment variables under other tests running in parallel.
        string[] settings =
        [
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={collector.Endpoint.ToString().TrimEnd('/')}",
            "--OTEL_METRIC_EXPORT_INTERVAL=200",
            "--OTEL_BSP_SCHEDULE_DELAY=200",
            .. protocol is null ? Array.Empty<string>() : [$"--OTEL_EXPORTER_OTLP_PROTOCOL={protocol}"],
        ];
        await using var host = await SampleHostServer.StartAsync(false, settings);
        host.Services.GetService<MeterProvider>().Should().NotBeNull();
        host.Services.GetService<TracerProvider>().Should().NotBeNull();

        var org = Unique.Org();
        using var admin = await host.ClientAsync("boss", org, null, "admin");
        var response = await admin.PostAsync("/api/websocket/broadcast", new { scope = "organization", @event = "otel-probe", type = "created" });
        response.Status.Should().Be(HttpStatusCode.Accepted, response.Text);

        var because = () => $"received: {string.Join(", ", collector.ReceivedPaths)}";
        await Expect(collector.WaitForAsync("/v1/metrics", "tenantrealtime.broadcasts", Timeout), because);
        await Expect(collector.WaitForAsync("/v1/metrics", "TenantRealtime", Timeout), because);
        await Expect(collector.WaitForAsync("/v1/traces", "TenantRealtime.Broadcast", Timeout), because);

        // ASP.NET Core's own telemetry rides along: the request duration metric and the request spans.
        await Expect(collector.WaitForAsync("/v1/metrics", "http.server.request.duration", Timeout), because);
        await Expect(collector.WaitForAsync("/v1/traces", "Microsoft.AspNetCore", Timeout), because);
    }

    [Fact]
    public async Task WithoutAnEndpointNothingOfOpenTelemetryIsRegistered()
    {
        Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT").Should().BeNullOrEmpty("this test checks the host as started without the variable");
        IServiceCollection? services = null;
        await using var host = await SampleHostServer.StartAsync(builder => services = builder.Services);

        services.Should().NotBeNull();
        services!.Where(IsOpenTelemetry).Select(d => d.ServiceType.FullName).Should().BeEmpty();
        host.Services.GetService<MeterProvider>().Should().BeNull();
        host.Services.GetService<TracerProvider>().Should().BeNull();
    }

    private static bool IsOpenTelemetry(ServiceDescriptor descriptor) =>
        new[] { descriptor.ServiceType, descriptor.IsKeyedService ? descriptor.KeyedImplementationType : descriptor.ImplementationType }
            .Any(type => type?.FullName?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true ||
                         type?.GenericTypeArguments.Any(a => a.FullName?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true) == true);

    private static async Task Expect(Task wait, Func<string> because)
    {
        try
        {
            await wait;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The expected export did not arrive; {because()}");
        }
    }
}
