using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TenantRealtime.Redis.Tests.Chaos;

/// <summary>
/// A TenantRealtime.TestHost process scaled out over <see cref="RedisServer"/> with JWT authentication, on
/// 127.0.0.1 with a port the OS picks. <see cref="Kill"/> ends it with SIGKILL, as a crash would: no graceful stop,
/// nothing flushed. Disposing kills it too, and the host stops by itself when this process exits (its standard
/// input closes), so no server outlives a test, whatever its outcome.
/// </summary>
internal sealed class TestHostServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpClient? _http;

    private TestHostServer(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Uri BaseAddress => _listening.Task.Result;

    public Uri HubUrl => new(BaseAddress, RealtimeNode.HubPath);

    /// <summary>Everything the process wrote, stdout and stderr, in arrival order.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<TestHostServer> StartAsync(string name, RedisServer redis, string channelPrefix)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            LocateHost(),
            $"--Redis={redis.ConnectionString}",
            $"--ChannelPrefix={channelPrefix}",
            $"--Jwt:Key={TestJwt.KeyText}",
            $"--Jwt:Issuer={TestJwt.Issuer}",
            $"--Jwt:Audience={TestJwt.Audience}",
            "--StopWhenStdinCloses=true",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var host = new TestHostServer(name, Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
        host._process.OutputDataReceived += (_, e) => host.Receive(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        host._process.EnableRaisingEvents = true;
        host._process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException($"Test host {name} exited before it listened:\n{host.Output}"));
        try
        {
            await host._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"Test host {name} did not listen within 30 s:\n{host.Output}", ex);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        host._http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = RealtimeClient.DefaultTimeout };
        return host;
    }

    /// <summary>Broadcasts <paramref name="marker"/> to a tenant; the status is 200 when Redis numbered it, 202 when it waits in the outbox.</summary>
    public async Task<(HttpStatusCode Status, long? Seq)> BroadcastAsync(string organizationId, string tenantId, string marker)
    {
        using var response = await Http.PostAsync($"/tenants/{organizationId}/{tenantId}/broadcast/{marker}", content: null);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
        {
            return (response.StatusCode, null);
        }

        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, receipt.GetProperty("seq").ValueKind == JsonValueKind.Number ? receipt.GetProperty("seq").GetInt64() : null);
    }

    /// <summary>The broadcasts this server holds for Redis (the <c>tenantrealtime.redis.outbox.size</c> gauge).</summary>
    public async Task<long> OutboxSizeAsync()
    {
        var answer = await Http.GetFromJsonAsync<JsonElement>("/outbox");
        var size = answer.GetProperty("size");
        size.ValueKind.Should().Be(JsonValueKind.Number, "the Redis package publishes the outbox gauge (host output:\n{0})", Output);
        return size.GetInt64();
    }

    /// <summary>SIGKILL: the process ends at once, with whatever it held in memory.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private HttpClient Http => _http ?? throw new InvalidOperationException("The host has not started.");

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.StartsWith("listening ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["listening ".Length..]));
        }
    }

    /// <summary>The host's build output, next to this test assembly's (same configuration and framework).</summary>
    private static string LocateHost()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepositoryPaths.Root, "tests", "TenantRealtime.TestHost", "bin", baseDirectory.Parent!.Name, baseDirectory.Name, "TenantRealtime.TestHost.dll");
        File.Exists(dll).Should().BeTrue($"the test host is built by the project reference: {dll}");
        return dll;
    }
}
