using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace TenantRealtime.Bench;

/// <summary>
/// One connection that stops reading (slow-consumer): a raw WebSocket that completes the SignalR JSON handshake, then
/// never calls <c>ReceiveAsync</c> again, so what the server sends it fills the socket buffers and then SignalR's pipe.
/// It keeps sending SignalR pings, so the server's client timeout (30 s without a message) never closes it: only the
/// server's handling of a reader that does not read can. The official client cannot do this, as it always reads.
/// </summary>
internal sealed class StalledReader : IAsyncDisposable
{
    /// <summary>How often it pings, which is also how soon it notices the server closed it.</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);

    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    // A state drive reaches a connection only once it has received its rooms' state, which Authenticate sends: so the
    // reader asks for it (its answer, like everything after the handshake, is never read).
    private static readonly byte[] Authenticate = Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"0\",\"target\":\"Authenticate\",\"arguments\":[{}]}\u001e");

    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _stalled = Stopwatch.StartNew();
    private Task _pinging = Task.CompletedTask;

    private StalledReader(ClientWebSocket socket) => _socket = socket;

    /// <summary>Gets the seconds from its handshake until a ping failed because the server had closed the socket,
    /// or null while it is open.</summary>
    public double? ClosedAfterS { get; private set; }

    /// <summary>Opens <paramref name="uri"/> (loopback only), completes the handshake (then calls Authenticate when
    /// <paramref name="authenticate"/>) and starts pinging.</summary>
    public static async Task<StalledReader> ConnectAsync(Uri uri, bool authenticate, CancellationToken cancellationToken)
    {
        if (!uri.IsLoopback)
        {
            throw new ArgumentException($"stalled readers connect to loopback only, not {uri.Host}.");
        }

        // No WebSocket keep-alive frames: SignalR's client timeout counts SignalR messages, which the pings below are.
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            await socket.SendAsync(Handshake, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            await ReadHandshakeResponseAsync(socket, cancellationToken);
            if (authenticate)
            {
                await socket.SendAsync(Authenticate, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }

        var reader = new StalledReader(socket);
        reader._stalled.Restart();
        reader._pinging = reader.PingAsync();
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;

        // No close handshake: it would have to read the server's close frame, behind everything it never read.
        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// Reads up to the handshake response's record separator (<c>{}</c>, or <c>{"error":…}</c>), and not a byte
    /// further than the WebSocket message it came in: from here on the reader reads nothing.
    /// </summary>
    private static async Task ReadHandshakeResponseAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"the server closed the connection during the handshake ({result.CloseStatusDescription}).");
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var end = text.ToString().IndexOf('\u001e', StringComparison.Ordinal);
            if (end >= 0)
            {
                var response = text.ToString(0, end);
                if (response.Contains("\"error\"", StringComparison.Ordinal))
                {
                    throw new WebSocketException($"the server refused the handshake: {response}");
                }

                return;
            }
        }
    }

    /// <summary>Pings until stopped, or until a ping fails: the server closed the socket (a stalled reader sends nothing else).</summary>
    private async Task PingAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PingInterval, _stop.Token);
                await _socket.SendAsync(Ping, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
            {
                ClosedAfterS = _stalled.Elapsed.TotalSeconds;
                return;
            }
        }
    }
}
