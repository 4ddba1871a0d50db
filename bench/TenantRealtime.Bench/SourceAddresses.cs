using System.Net;
using System.Net.Sockets;

namespace TenantRealtime.Bench;

/// <summary>
/// Client sockets spread over loopback source addresses (127.0.0.1, 127.0.0.2, …) once a cell has more connections
/// than one address has ephemeral ports: every connection to the one server port needs its own (source address,
/// source port), and Linux gives each address the ports of <c>ip_local_port_range</c> (~28,000 by default).
/// </summary>
internal static class SourceAddresses
{
    // Ports in use by anything else, and in TIME_WAIT from a previous round, need room too.
    private const double UsableShare = 0.8;

    /// <summary>How many source addresses <paramref name="connections"/> need: <c>--source-addresses</c>, or enough for the ports.</summary>
    public static int For(int connections, int requested)
    {
        if (requested > 0)
        {
            return requested <= 254 ? requested : throw new ArgumentException("--source-addresses must be between 1 and 254.");
        }

        return Math.Max(1, (int)Math.Ceiling(connections / (EphemeralPorts() * UsableShare)));
    }

    /// <summary>Connection <paramref name="index"/>'s source address, or null to let the system choose (one address).</summary>
    public static IPAddress? Of(int index, int count) =>
        count <= 1 ? null : new IPAddress([127, 0, 0, (byte)(1 + (index % count))]);

    /// <summary>
    /// An HTTP handler whose connections leave from <paramref name="source"/>, for <c>ClientWebSocket.ConnectAsync</c>
    /// (each WebSocket takes a connection of its own).
    /// </summary>
    public static SocketsHttpHandler HandlerFrom(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static int EphemeralPorts()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)
                .Select(int.Parse)
                .ToArray();
            return range[1] - range[0] + 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 28_232; // Linux's default range, 32768–60999
        }
    }
}
