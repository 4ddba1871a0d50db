using System.ComponentModel;
using System.Globalization;
using System.Net;

namespace TenantRealtime.Bench;

/// <summary>
/// The Redis a run's servers scale out over, started by the run on free loopback ports without persistence: one
/// redis-server, or a Redis Cluster of <see cref="ClusterMasters"/> masters and no replicas. Disposing it stops every
/// node and deletes the cluster's directories (each node writes its nodes.conf there, not in the working directory).
/// </summary>
internal sealed class RedisBackplane : IAsyncDisposable
{
    /// <summary>The masters of the cluster target: the smallest cluster Redis lets <c>--cluster create</c> build.</summary>
    public const int ClusterMasters = 3;

    // A cluster node's bus listens on its port + 10000 (Redis's default, which works with every Redis version).
    private const int BusPortOffset = 10000;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly List<(Child Node, int Port)> _nodes = [];
    private readonly DirectoryInfo? _directory;

    private RedisBackplane(DirectoryInfo? directory) => _directory = directory;

    /// <summary>A StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>The redis-server processes: one, or the cluster's masters.</summary>
    public IReadOnlyList<Child> Nodes => [.. _nodes.Select(n => n.Node)];

    /// <summary>Starts one redis-server, or a cluster, and returns once every node answers (the cluster: once every node reports it whole).</summary>
    public static async Task<RedisBackplane> StartAsync(bool cluster)
    {
        var backplane = new RedisBackplane(cluster ? Directory.CreateTempSubdirectory("tenantrealtime-bench-cluster-") : null);
        try
        {
            if (cluster)
            {
                await backplane.StartClusterAsync();
            }
            else
            {
                await backplane.StartNodeAsync(Child.FreePort(), []);
            }

            return backplane;
        }
        catch
        {
            await backplane.DisposeAsync();
            throw;
        }
    }

    /// <summary>utime + stime of every node, in microseconds.</summary>
    public long CpuMicros() => _nodes.Sum(n => Proc.CpuMicros(n.Node.Pid));

    /// <summary>
    /// Every node's <c>INFO commandstats</c> summed per command: calls and microseconds spent in the command itself
    /// (a script's commands count inside it). What is left of the node's CPU is reading, parsing and writing.
    /// </summary>
    public async Task<Dictionary<string, (long Calls, long Micros)>> CommandStatsAsync()
    {
        var stats = new Dictionary<string, (long Calls, long Micros)>(StringComparer.Ordinal);
        foreach (var (_, port) in _nodes)
        {
            var (exitCode, output) = await RedisCli.RunAsync(["-p", port.ToString(CultureInfo.InvariantCulture), "INFO", "commandstats"], StartTimeout);
            if (exitCode != 0)
            {
                continue;
            }

            // cmdstat_evalsha:calls=12,usec=345,usec_per_call=28.75,rejected_calls=0,failed_calls=0
            foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (!line.StartsWith("cmdstat_", StringComparison.Ordinal) || colon < 0)
                {
                    continue;
                }

                var fields = line[(colon + 1)..].Split(',').Select(f => f.Split('=')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
                var name = line["cmdstat_".Length..colon];
                var calls = long.Parse(fields.GetValueOrDefault("calls", "0"), CultureInfo.InvariantCulture);
                var micros = long.Parse(fields.GetValueOrDefault("usec", "0"), CultureInfo.InvariantCulture);
                var (c0, m0) = stats.GetValueOrDefault(name);
                stats[name] = (c0 + calls, m0 + micros);
            }
        }

        return stats;
    }

    /// <summary>The RSS of every node, in bytes.</summary>
    public long RssBytes() => _nodes.Sum(n => Proc.RssBytes(n.Node.Pid));

    public async ValueTask DisposeAsync()
    {
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].Node.DisposeAsync();
        }

        try
        {
            _directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; the run's result is not.
        }
    }

    private async Task StartClusterAsync()
    {
        for (var i = 0; i < ClusterMasters; i++)
        {
            var directory = _directory!.CreateSubdirectory($"node{i}").FullName;
            await StartNodeAsync(FreePortWithBus(), ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000", "--dir", directory]);
        }

        var (exitCode, output) = await RedisCli.RunAsync(
            ["--cluster", "create", .. _nodes.Select(n => $"127.0.0.1:{n.Port.ToString(CultureInfo.InvariantCulture)}"), "--cluster-replicas", "0", "--cluster-yes"],
            StartTimeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({exitCode}):\n{output}");
        }

        // Every node must see the whole cluster (every slot, every master) before a server connects: a node that has
        // not heard of the others yet would hand StackExchange.Redis a partial map.
        foreach (var (node, port) in _nodes)
        {
            await RedisCli.WaitUntilAsync(
                node,
                port,
                ["cluster", "info"],
                info => info.Contains("cluster_state:ok", StringComparison.Ordinal) &&
                        info.Contains("cluster_slots_assigned:16384", StringComparison.Ordinal) &&
                        info.Contains($"cluster_known_nodes:{ClusterMasters.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal),
                StartTimeout);
        }
    }

    private async Task StartNodeAsync(int port, string[] extra)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        Child node;
        try
        {
            node = Child.Start($"redis{_nodes.Count}", "redis-server", ["--port", portText, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. extra]);
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("redis-server was not found (apt-get install redis-server).");
        }

        _nodes.Add((node, port));
        await RedisCli.WaitUntilAsync(node, port, ["ping"], answer => answer.Contains("PONG", StringComparison.Ordinal), StartTimeout);
    }

    /// <summary>A free loopback port whose bus port (port + 10000) is free too.</summary>
    /// <remarks>Each node is listening before the next port is chosen, so no two nodes' ports can collide.</remarks>
    private static int FreePortWithBus()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Child.FreePort();
            var bus = port + BusPortOffset;
            if (bus <= IPEndPoint.MaxPort && Child.IsFree(bus))
            {
                return port;
            }
        }

        throw new InvalidOperationException("found no free loopback port whose cluster bus port (port + 10000) is free too.");
    }
}
