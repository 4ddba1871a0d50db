using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SampleHost.Tests.Infrastructure;

/// <summary>
/// The network between a browser and the host: a TCP relay on 127.0.0.1 (a port the OS picks) that a test can cut.
/// <see cref="Cut"/> resets every open connection, the page's WebSocket included, with nothing said at the HTTP or
/// WebSocket level (a dropped network, not a close); until <see cref="Restore"/> new connections are reset as soon
/// as they are accepted, so every reconnect attempt fails as it would offline. The page is served through the relay
/// too, so its origin is the relay's and the host's origin check sees a page of its own.
/// </summary>
public sealed class NetworkLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, bool> _sockets = new();
    private readonly ConcurrentDictionary<Task, bool> _relays = new();
    private readonly Task _accepting;
    private volatile bool _down;

    private NetworkLink(Uri server)
    {
        _serverPort = server.Port;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stopping.Token);
    }

    /// <summary>Where the browser connects instead of the host.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Relays to the server at <paramref name="server"/> (on 127.0.0.1).</summary>
    public static NetworkLink Start(Uri server) => new(server);

    /// <summary>Resets every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _down = true;
        foreach (var socket in _sockets.Keys)
        {
            Reset(socket);
        }
    }

    /// <summary>Lets new connections through again.</summary>
    public void Restore() => _down = false;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Cut();
        await Task.WhenAll([_accepting, .. _relays.Keys]).ContinueWith(_ => { }, TaskScheduler.Default);
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

            if (_down)
            {
                Reset(client);
                continue;
            }

            var relay = RelayAsync(client, stopping);
            _relays.TryAdd(relay, true);
            _ = relay.ContinueWith(t => _relays.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken stopping)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.TryAdd(client, true);
        _sockets.TryAdd(server, true);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _serverPort, stopping);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var serverStream = new NetworkStream(server, ownsSocket: false);

            // Whichever direction ends first ends the other: both sockets close.
            await Task.WhenAny(PumpAsync(clientStream, serverStream, stopping), PumpAsync(serverStream, clientStream, stopping));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            // Ended by a peer (or cut, then these are already closed): a graceful close, so what was relayed last
            // is still delivered.
            _sockets.TryRemove(client, out _);
            _sockets.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    /// <summary>Closes with a TCP reset (linger 0) rather than a graceful FIN: what a peer sees when the path dies.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }
}
