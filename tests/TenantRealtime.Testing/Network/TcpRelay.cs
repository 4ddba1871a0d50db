using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TenantRealtime.Testing;

/// <summary>
/// A TCP relay on 127.0.0.1 (a port the OS picks) in front of one or more servers, for the network faults a test
/// needs: each new connection goes to the first server that accepts it (once the first is dead, clients reconnect
/// through the same address to the next, as behind a load balancer); <see cref="IsOpen"/> false resets new
/// connections as soon as they are accepted (no healthy server, or no network); <see cref="Cut"/> also resets every
/// open connection, with nothing said at the HTTP or WebSocket level (a dropped network, not a close).
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _servers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, bool> _sockets = new();
    private readonly ConcurrentDictionary<Task, bool> _relays = new();
    private readonly Task _accepting;
    private volatile bool _open = true;
    private volatile TaskCompletionSource _replies = Released();

    private TcpRelay(Uri[] servers)
    {
        _servers = servers;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stopping.Token);
    }

    /// <summary>Gets where clients connect instead of the servers.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets or sets whether new connections are relayed; while false they are reset as soon as accepted.</summary>
    public bool IsOpen
    {
        get => _open;
        set => _open = value;
    }

    /// <summary>Relays to <paramref name="servers"/> (on 127.0.0.1), in order of preference.</summary>
    public static TcpRelay Start(params Uri[] servers) => new(servers);

    /// <summary>Resets every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _open = false;
        foreach (var socket in _sockets.Keys)
        {
            Reset(socket);
        }

        // After the resets, so a held reply is never delivered: it is lost with its connection.
        ReleaseReplies();
    }

    /// <summary>Lets new connections through again.</summary>
    public void Restore() => _open = true;

    /// <summary>
    /// Holds back what the servers send (requests still reach them) until <see cref="ReleaseReplies"/> or
    /// <see cref="Cut"/>: a server that ran a request whose reply never arrives.
    /// </summary>
    public void HoldReplies() => _replies = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets held replies through.</summary>
    public void ReleaseReplies() => _replies.TrySetResult();

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

            if (!_open)
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
        _sockets.TryAdd(client, true);
        Socket? server = null;
        try
        {
            server = await ConnectToFirstLiveServerAsync(stopping);
            if (server is null)
            {
                return;
            }

            _sockets.TryAdd(server, true);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var serverStream = new NetworkStream(server, ownsSocket: false);

            // Whichever direction ends first (a server killed, a client gone) ends the other: both sockets close.
            await Task.WhenAny(PumpAsync(clientStream, serverStream, stopping), PumpRepliesAsync(serverStream, clientStream, stopping));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            // Ended by a peer (or cut, then these are already closed): a graceful close, so what was relayed last is
            // still delivered.
            _sockets.TryRemove(client, out _);
            client.Dispose();
            if (server is not null)
            {
                _sockets.TryRemove(server, out _);
                server.Dispose();
            }
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

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }

    /// <summary>Server to client, through the <see cref="HoldReplies"/> gate.</summary>
    private async Task PumpRepliesAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await _replies.Task.WaitAsync(cancellationToken);
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
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
