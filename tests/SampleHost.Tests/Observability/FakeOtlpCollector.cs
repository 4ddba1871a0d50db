using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SampleHost.Tests.Observability;

/// <summary>
/// A tiny OTLP/HTTP receiver on 127.0.0.1 at a free port: accepts POST /v1/metrics and /v1/traces (protobuf) and
/// keeps each body. Protobuf stores strings as plain UTF-8, so names can be found in the raw bytes without decoding.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<(string Path, byte[] Body)> received = [];
    private readonly List<(string Path, string Text, TaskCompletionSource Done)> waiters = [];
    private readonly object gate = new();

    private FakeOtlpCollector(WebApplication app) => this.app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new FakeOtlpCollector(app);
        app.MapPost("/v1/metrics", collector.ReceiveAsync);
        app.MapPost("/v1/traces", collector.ReceiveAsync);
        await app.StartAsync();
        collector.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return collector;
    }

    /// <summary>Paths of everything received so far (for failure messages).</summary>
    public IReadOnlyList<string> ReceivedPaths
    {
        get
        {
            lock (gate)
            {
                return [.. received.Select(r => $"{r.Path} ({r.Body.Length} bytes)")];
            }
        }
    }

    /// <summary>Completes when a body posted to <paramref name="path"/> contains <paramref name="text"/> (already or later).</summary>
    public Task WaitForAsync(string path, string text, TimeSpan timeout)
    {
        lock (gate)
        {
            if (received.Any(r => Matches(r, path, text)))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((path, text, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var entry = (Path: request.Path.Value ?? string.Empty, Body: buffer.ToArray());
        lock (gate)
        {
            received.Add(entry);
            foreach (var waiter in waiters.Where(w => Matches(entry, w.Path, w.Text)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }

        // An empty Export*ServiceResponse is an empty protobuf message.
        return Results.Bytes([], "application/x-protobuf");
    }

    private static bool Matches((string Path, byte[] Body) entry, string path, string text) =>
        entry.Path == path && entry.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
