using System.Globalization;

namespace TenantRealtime.Testing;

/// <summary>
/// A private Redis Cluster of <see cref="Masters"/> masters without replicas: one <c>redis-server --cluster-enabled
/// yes</c> per master on a free loopback port (its cluster bus port free too), each in its own temporary directory
/// with its own <c>nodes.conf</c> and no persistence, joined by <c>redis-cli --cluster create</c>. It is ready when
/// every node reports <c>cluster_state:ok</c> with all 16384 slots assigned. Tests fail (never skip) when
/// <c>redis-server</c> or <c>redis-cli</c> is missing. Starting it takes a few seconds: share one per test class.
/// </summary>
public sealed class RedisClusterServer : IRedisDeployment
{
    /// <summary>The number of masters: the smallest cluster redis-cli creates, and enough to spread slots over nodes.</summary>
    public const int Masters = 3;

    /// <summary>The number of hash slots every Redis Cluster divides its keys into.</summary>
    public const int HashSlots = 16_384;

    // Small so a node the tests kill is noticed quickly, yet well above the pauses of a busy 2-core machine,
    // which would otherwise mark a live master as failing and take the cluster down.
    private const int NodeTimeoutMilliseconds = 3_000;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("tenantrealtime-redis-cluster-").FullName;
    private readonly List<RedisProcess> _processes = [];

    private RedisClusterServer(IReadOnlyList<int> ports)
    {
        Ports = ports;
    }

    /// <summary>Gets the client port of every master.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>Gets a StackExchange.Redis configuration string listing every master.</summary>
    public string ConnectionString => string.Join(",", Endpoints);

    private IEnumerable<string> Endpoints => Ports.Select(port => $"127.0.0.1:{port}");

    public static async Task<RedisClusterServer> StartAsync()
    {
        var ports = new List<int>();
        while (ports.Count < Masters)
        {
            var port = LoopbackPorts.FreeWithClusterBus();
            if (!ports.Contains(port) && !ports.Contains(port + LoopbackPorts.ClusterBusOffset) && !ports.Contains(port - LoopbackPorts.ClusterBusOffset))
            {
                ports.Add(port);
            }
        }

        var cluster = new RedisClusterServer(ports);
        try
        {
            await cluster.StartNodesAsync();
            await cluster.CreateClusterAsync();
            await cluster.WaitUntilReadyAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task StartNodesAsync()
    {
        foreach (var port in Ports)
        {
            var directory = Directory.CreateDirectory(Path.Combine(_directory, port.ToString(CultureInfo.InvariantCulture))).FullName;
            _processes.Add(RedisProcess.Start("redis-server", NodeArguments(port, directory), directory));
        }

        await Task.WhenAll(Ports.Select((port, i) => RedisWire.WaitUntilAnswersAsync(port, _processes[i])));
    }

    private async Task CreateClusterAsync()
    {
        string[] arguments = ["--cluster", "create", .. Endpoints, "--cluster-replicas", "0", "--cluster-yes"];
        await using var create = RedisProcess.Start("redis-cli", arguments, _directory);
        if (!await create.WaitForExitAsync(ReadyTimeout))
        {
            throw new TimeoutException($"redis-cli --cluster create did not finish within {ReadyTimeout.TotalSeconds}s:{Environment.NewLine}{create.Output}");
        }

        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with code {create.ExitCode}:{Environment.NewLine}{create.Output}");
        }
    }

    /// <summary>
    /// redis-cli returns once the nodes agree on the configuration; each node still has to see every slot served
    /// before it reports ok, and a client that connects earlier may be refused with CLUSTERDOWN.
    /// </summary>
    private Task WaitUntilReadyAsync() =>
        Task.WhenAll(Ports.Select((port, i) => RedisWire.WaitUntilAsync(
            port,
            _processes[i],
            "CLUSTER INFO",
            IsReady,
            $"cluster_state:ok, {HashSlots} slots assigned and {Masters} known nodes",
            ReadyTimeout)));

    private static bool IsReady(string clusterInfo)
    {
        var fields = clusterInfo
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return fields.GetValueOrDefault("cluster_state") == "ok"
            && fields.GetValueOrDefault("cluster_slots_assigned") == HashSlots.ToString(CultureInfo.InvariantCulture)
            && fields.GetValueOrDefault("cluster_known_nodes") == Masters.ToString(CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> NodeArguments(int port, string directory)
    {
        yield return "--port";
        yield return port.ToString(CultureInfo.InvariantCulture);
        yield return "--bind";
        yield return "127.0.0.1";
        yield return "--dir";
        yield return directory;
        yield return "--save";
        yield return "";
        yield return "--appendonly";
        yield return "no";
        yield return "--cluster-enabled";
        yield return "yes";

        // Relative to --dir: each node keeps its own cluster state file.
        yield return "--cluster-config-file";
        yield return "nodes.conf";
        yield return "--cluster-node-timeout";
        yield return NodeTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture);
    }
}
