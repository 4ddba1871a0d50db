using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TenantRealtime.Testing;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port in its own temporary directory, without persistence
/// unless asked (<see cref="RedisPersistence.AppendOnly"/>). It can be stopped and started again on the same port
/// and data directory to play an outage. Tests fail (never skip) when the binary is missing, so a CI without Redis
/// cannot pass by running nothing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string InstallHint = "redis-server was not found on PATH. Install it with: apt-get install -y redis-server";

    private readonly string _directory = Directory.CreateTempSubdirectory("tenantrealtime-redis-").FullName;
    private Process? _process;

    private RedisServer(int port, RedisPersistence persistence)
    {
        Port = port;
        Persistence = persistence;
    }

    public int Port { get; }

    public RedisPersistence Persistence { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync(RedisPersistence persistence = RedisPersistence.None)
    {
        var server = new RedisServer(FreePort(), persistence);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port and data directory and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException(InstallHint);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(InstallHint, ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnswersAsync();
    }

    /// <summary>
    /// Kills the server: connections drop as in a crash. Without persistence its data is gone; with
    /// <see cref="RedisPersistence.AppendOnly"/> every acknowledged write is in the AOF and comes back on restart.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Stops the server and starts it again on the same port and data directory.</summary>
    public async Task StopAndRestartAsync()
    {
        await StopAsync();
        await RestartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private IEnumerable<string> Arguments()
    {
        yield return "--port";
        yield return Port.ToString(CultureInfo.InvariantCulture);
        yield return "--bind";
        yield return "127.0.0.1";
        yield return "--dir";
        yield return _directory;
        yield return "--save";
        yield return "";
        yield return "--appendonly";
        if (Persistence == RedisPersistence.AppendOnly)
        {
            yield return "yes";
            yield return "--appendfsync";
            yield return "always";
        }
        else
        {
            yield return "no";
        }
    }

    private async Task WaitUntilAnswersAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (_process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"redis-server exited with code {exited.ExitCode} while starting on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer);

                // While an AOF is being loaded Redis answers "-LOADING ..."; only +PONG means ready.
                if (System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when ((ex is SocketException or IOException) && DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not answer on port {Port}.");
            }

            await Task.Delay(25);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
