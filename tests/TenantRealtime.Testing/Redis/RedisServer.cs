using System.Globalization;

namespace TenantRealtime.Testing;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port in its own temporary directory, without persistence
/// unless asked (<see cref="RedisPersistence.AppendOnly"/>). It can be stopped and started again on the same port
/// and data directory to play an outage. Tests fail (never skip) when the binary is missing, so a CI without Redis
/// cannot pass by running nothing.
/// </summary>
public sealed class RedisServer : IRedisDeployment
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tenantrealtime-redis-").FullName;
    private RedisProcess? _process;

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
        var server = new RedisServer(LoopbackPorts.Free(), persistence);
        try
        {
            await server.RestartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again) on the same port and data directory and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        _process = RedisProcess.Start("redis-server", Arguments(), _directory);
        await RedisWire.WaitUntilAnswersAsync(Port, _process);
    }

    /// <summary>
    /// Kills the server: connections drop as in a crash. Without persistence its data is gone; with
    /// <see cref="RedisPersistence.AppendOnly"/> every acknowledged write is in the AOF and comes back on restart.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
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
}
