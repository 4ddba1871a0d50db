using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TenantRealtime.Redis.Tests.Chaos;

/// <summary>
/// A TCP load balancer on 127.0.0.1 in front of several servers: each new connection goes to the first server that
/// accepts it, so once the first server is dead its clients reconnect, through the same address, to the next one.
/// Connections already forwarded end when either side closes. While <see cref="IsOpen"/> is false new connections
/// are closed at once, as by a balancer with no healthy server.
/// </summary>
internal sealed class FrontDoor : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _servers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly Task _accepting;
    private bool _open = true;

    private FrontDoor(Uri[] servers)
    {
        _servers = servers;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stopping.Token);
    }

    public Uri BaseAddress { get; }

    /// <summary>Listens on a port the OS picks, forwarding to <paramref name="servers"/> in order of preference.</summary>
    public static FrontDoor Start(params Uri[] servers) => new(servers);

    public Uri HubUrl => new(BaseAddress, RealtimeNode.HubPath);

    public bool IsOpen
    {
        get => Volatile.Read(ref _open);
        set => Volatile.Write(ref _open, value);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _connections.Keys]).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = ForwardAsync(client, stopping);
            _connections.TryAdd(connection, true);
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            using var server = IsOpen ? await ConnectToFirstLiveServerAsync(stopping) : null;
            if (server is null)
            {
                return;
            }

            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var serverStream = new NetworkStream(server, ownsSocket: false);
            using var closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);

            // Whichever direction ends first (a server killed, a client gone) ends the other: both sockets close.
            await Task.WhenAny(PumpAsync(clientStream, serverStream, closing.Token), PumpAsync(serverStream, clientStream, closing.Token));
            await closing.CancelAsync();
        }
    }

    private async Task<Socket?> ConnectToFirstLiveServerAsync(CancellationToken stopping)
    {
        foreach (var address in _servers)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, address.Port, stopping);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
            }
        }

        return null;
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
