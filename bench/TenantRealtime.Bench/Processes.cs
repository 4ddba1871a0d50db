using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TenantRealtime.Bench;

/// <summary>A child process the run owns: started, watched, killed at the end (never by name, only by its handle).</summary>
internal sealed class Child : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly System.Threading.Channels.Channel<JsonObject> _lines = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();

    private Child(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    public int Pid => _process.Id;

    public bool Exited => _process.HasExited;

    public static Child Start(string name, string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null, bool jsonLines = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = jsonLines,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Children start from a clean slate of runtime knobs; the profile adds its own.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && k != "DOTNET_ROOT").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new Child(process, name);
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
                return;
            }

            if (jsonLines && e.Data.StartsWith('{'))
            {
                try
                {
                    child._lines.Writer.TryWrite(JsonNode.Parse(e.Data)!.AsObject());
                    return;
                }
                catch (JsonException)
                {
                }
            }

            if (!string.IsNullOrWhiteSpace(e.Data) && Environment.GetEnvironmentVariable("BENCH_VERBOSE") == "1")
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return child;
    }

    /// <summary>Sends a command line and waits for the JSON line whose <c>event</c> is <paramref name="expect"/>.</summary>
    public async Task<JsonObject> AskAsync(string command, string expect, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await WaitForAsync(expect, timeout);
    }

    public async Task<JsonObject> WaitForAsync(string expect, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if ((string?)line["event"] == expect)
                {
                    return line;
                }

                if ((string?)line["event"] == "error")
                {
                    throw new InvalidOperationException($"{_name}: {line["message"]}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not answer '{expect}' within {timeout.TotalSeconds:0} s.");
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            throw new InvalidOperationException($"{_name} exited before answering '{expect}'.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether a loopback listener can bind <paramref name="port"/> now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
