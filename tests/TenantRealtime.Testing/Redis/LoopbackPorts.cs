using System.Net;
using System.Net.Sockets;

namespace TenantRealtime.Testing;

/// <summary>Free loopback ports for the Redis processes tests start; never a fixed port, so runs never collide.</summary>
internal static class LoopbackPorts
{
    /// <summary>Redis Cluster nodes talk to each other on their port + 10000 (the cluster bus).</summary>
    public const int ClusterBusOffset = 10_000;

    /// <summary>A port the OS just handed out and released: free now, and unlikely to be handed out again at once.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A free port whose cluster bus port is free too.</summary>
    public static int FreeWithClusterBus()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Free();
            if (port + ClusterBusOffset <= IPEndPoint.MaxPort && IsFree(port + ClusterBusOffset))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port p with p + {ClusterBusOffset} free too after 100 attempts.");
    }

    private static bool IsFree(int port)
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
