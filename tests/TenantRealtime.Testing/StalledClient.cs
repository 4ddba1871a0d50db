using System.Net.WebSockets;
using System.Text;

namespace TenantRealtime.Testing;

/// <summary>
/// A hostile (or frozen) member: a raw WebSocket that completes the SignalR handshake and joins its rooms, then never
/// reads its socket again while it keeps sending pings, so the server's client timeout never closes it. What the
/// server writes fills the socket buffers until its writes to this connection stop completing.
/// </summary>
public sealed class StalledClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);

    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _pinging = Task.CompletedTask;

    private StalledClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>Completes when a ping can no longer be sent: the server closed (or reset) the connection.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Connects as <paramref name="user"/> (skipping negotiation), joins its rooms, and stops reading.</summary>
    public static async Task<StalledClient> ConnectAsync(Uri hubUrl, TestUser user)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var uri = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws", Query = "access_token=" + Uri.EscapeDataString(user.Token()) }.Uri;
        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
        var client = new StalledClient(socket);
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}", timeout.Token).ConfigureAwait(false);
        await client.ReadUntilAsync("{}", timeout.Token).ConfigureAwait(false);

        // The join's answer proves the connection is in its rooms (invocations run after OnConnectedAsync).
        await client.SendAsync(
            $"{{\"type\":1,\"invocationId\":\"join\",\"target\":\"JoinOrganization\",\"arguments\":[{{\"organizationId\":\"{user.OrganizationId}\"}}]}}",
            timeout.Token).ConfigureAwait(false);
        await client.ReadUntilAsync("\"invocationId\":\"join\"", timeout.Token).ConfigureAwait(false);
        client._pinging = client.PingAsync(client._stop.Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pinging.ConfigureAwait(false);
        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task PingAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(PingInterval, stop).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(PingInterval * 5);
                await SendAsync("{\"type\":6}", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _closed.TrySetResult();
        }
    }

    private Task SendAsync(string message, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads whole frames until one holds <paramref name="marker"/>; this client reads nothing after connecting.</summary>
    private async Task ReadUntilAsync(string marker, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the connection during set-up: {text}");
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage && text.ToString().Contains(marker, StringComparison.Ordinal))
            {
                return;
            }
        }
    }
}
