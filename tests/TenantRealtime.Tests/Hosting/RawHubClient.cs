using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace TenantRealtime.Tests.Hosting;

/// <summary>What the server answered one raw frame: a completion (with its error, if any), or a close.</summary>
internal sealed record RawAnswer(bool Closed, string? Error, bool HasResult)
{
    public override string ToString() => Closed ? $"close: {Error ?? "(no error)"}" : Error is null ? "result" : $"error: {Error}";
}

/// <summary>
/// A SignalR client over a raw WebSocket that sends frames written by hand (JSON text or MessagePack binary), so a test
/// can send what no SignalR client would: invalid UTF-8, lone surrogates, nesting past any reader's depth, duplicate
/// keys, MessagePack types JSON has not.
/// </summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;

    private readonly ClientWebSocket _socket;
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawHubClient(ClientWebSocket socket, HubProtocolKind protocol) => (_socket, Protocol) = (socket, protocol);

    public HubProtocolKind Protocol { get; }

    /// <summary>Whether the server has closed the connection (a close message or the socket's close).</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Connects as <paramref name="user"/> (skipping negotiation) and completes the handshake.</summary>
    public static async Task<RawHubClient> ConnectAsync(Uri hubUrl, TestUser user, HubProtocolKind protocol)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(hubUrl) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(user.Token()) }.Uri;
        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        var client = new RawHubClient(socket, protocol);
        var name = protocol == HubProtocolKind.Json ? "json" : "messagepack";
        await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"protocol\":\"{name}\",\"version\":1}}\u001e"), WebSocketMessageType.Text, true, timeout.Token);

        // The handshake answer is JSON whatever the protocol; "{}" is success.
        var handshake = await client.ReadJsonRecordAsync(timeout.Token);
        handshake.Should().Be("{}");
        return client;
    }

    /// <summary>
    /// Sends <paramref name="frame"/> (one whole message, framed) and returns the answer to <paramref name="invocationId"/>,
    /// or the close if the server closes first.
    /// </summary>
    /// <param name="invocationId">The id the frame carries.</param>
    /// <param name="frame">The frame.</param>
    /// <param name="binary">Sends a JSON frame as a binary WebSocket message, which the server does not check for UTF-8.</param>
    public async Task<RawAnswer> InvokeAsync(string invocationId, byte[] frame, bool binary = false)
    {
        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        var type = Protocol == HubProtocolKind.Json && !binary ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        await _socket.SendAsync(frame, type, endOfMessage: true, timeout.Token);
        while (true)
        {
            var answer = await ReadMessageAsync(timeout.Token);
            if (answer is null)
            {
                IsClosed = true;
                return new RawAnswer(Closed: true, Error: "the socket closed", HasResult: false);
            }

            if (answer.Value.Type == 7)
            {
                IsClosed = true;
                return new RawAnswer(Closed: true, answer.Value.Error, HasResult: false);
            }

            if (answer.Value.Type == 3 && answer.Value.InvocationId == invocationId)
            {
                return new RawAnswer(Closed: false, answer.Value.Error, answer.Value.HasResult);
            }
        }
    }

    /// <summary>Sends a frame that gets no answer (the Ping after it shows whether the connection lives).</summary>
    public async Task<RawAnswer> SendAsync(byte[] frame)
    {
        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        var type = Protocol == HubProtocolKind.Json ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        await _socket.SendAsync(frame, type, endOfMessage: true, timeout.Token);
        return new RawAnswer(Closed: false, Error: null, HasResult: false);
    }

    /// <summary>Invokes <c>Ping</c> and says whether it answered with a result.</summary>
    public async Task<bool> PingsAsync()
    {
        var id = "ping-" + Guid.NewGuid().ToString("N");
        var frame = Protocol == HubProtocolKind.Json
            ? RawFrames.Json($$"""{"type":1,"invocationId":"{{id}}","target":"Ping","arguments":[]}""")
            : RawFrames.MessagePack(id, "Ping", arguments: 0, (ref MessagePackWriter _) => { });
        var answer = await InvokeAsync(id, frame);
        return answer is { Closed: false, Error: null, HasResult: true };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
    }

    private async Task<string> ReadJsonRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = _pending.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var text = Encoding.UTF8.GetString([.. _pending.Take(end)]);
                _pending.RemoveRange(0, end + 1);
                return text;
            }

            if (!await FillAsync(cancellationToken))
            {
                throw new WebSocketException("The server closed the socket during the handshake.");
            }
        }
    }

    /// <summary>The next hub message, or null once the socket is closed.</summary>
    private async Task<(int Type, string? InvocationId, string? Error, bool HasResult)?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Protocol == HubProtocolKind.Json ? TryReadJson(out var message) : TryReadMessagePack(out message))
            {
                return message;
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    private bool TryReadJson(out (int Type, string? InvocationId, string? Error, bool HasResult) message)
    {
        message = default;
        var end = _pending.IndexOf(RecordSeparator);
        if (end < 0)
        {
            return false;
        }

        using var document = JsonDocument.Parse(_pending.Take(end).ToArray());
        _pending.RemoveRange(0, end + 1);
        var root = document.RootElement;
        message = (
            root.GetProperty("type").GetInt32(),
            root.TryGetProperty("invocationId", out var id) ? id.GetString() : null,
            root.TryGetProperty("error", out var error) ? error.GetString() : null,
            root.TryGetProperty("result", out _));
        return true;
    }

    private bool TryReadMessagePack(out (int Type, string? InvocationId, string? Error, bool HasResult) message)
    {
        message = default;

        // Each message is prefixed with its length as a little-endian base-128 varint.
        var length = 0;
        var prefix = 0;
        while (true)
        {
            if (prefix >= _pending.Count)
            {
                return false;
            }

            var b = _pending[prefix];
            length |= (b & 0x7f) << (7 * prefix);
            prefix++;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (_pending.Count < prefix + length)
        {
            return false;
        }

        var body = _pending.Skip(prefix).Take(length).ToArray();
        _pending.RemoveRange(0, prefix + length);
        var reader = new MessagePackReader(body);
        reader.ReadArrayHeader();
        var type = reader.ReadInt32();
        switch (type)
        {
            case 3:
                reader.Skip(); // headers
                var id = reader.ReadString();
                var kind = reader.ReadInt32();
                message = (type, id, kind == 1 ? reader.ReadString() : null, kind == 3);
                break;
            case 7:
                message = (type, null, reader.TryReadNil() ? null : reader.ReadString(), false);
                break;
            default:
                message = (type, null, null, false);
                break;
        }

        return true;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        WebSocketReceiveResult result;
        try
        {
            result = await _socket.ReceiveAsync(_buffer, cancellationToken);
        }
        catch (WebSocketException)
        {
            return false;
        }

        if (result.MessageType == WebSocketMessageType.Close)
        {
            return false;
        }

        _pending.AddRange(_buffer.AsSpan(0, result.Count).ToArray());
        return true;
    }
}

/// <summary>Hand-written SignalR frames.</summary>
internal static class RawFrames
{
    /// <summary>Writes one MessagePack value (an argument, or part of one).</summary>
    public delegate void WriteValue(ref MessagePackWriter writer);

    /// <summary>A JSON protocol frame from its text.</summary>
    public static byte[] Json(string text) => [.. Encoding.UTF8.GetBytes(text), 0x1e];

    /// <summary>A JSON protocol frame from raw bytes, which need not be UTF-8.</summary>
    public static byte[] Json(params byte[][] parts) => [.. parts.SelectMany(p => p), 0x1e];

    /// <summary>
    /// A MessagePack invocation <c>[1, {}, invocationId, target, [arguments…], []]</c> whose arguments
    /// <paramref name="write"/> writes (it writes <paramref name="arguments"/> values), length-prefixed.
    /// </summary>
    /// <param name="invocationId">The invocation's id.</param>
    /// <param name="target">The hub method.</param>
    /// <param name="arguments">How many values <paramref name="write"/> writes.</param>
    /// <param name="write">Writes the arguments.</param>
    /// <param name="type">1, an invocation; 4, a streaming invocation.</param>
    public static byte[] MessagePack(string invocationId, string target, int arguments, WriteValue write, int type = 1)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(6);
        writer.Write(type);
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write(target);
        writer.WriteArrayHeader(arguments);
        write(ref writer);
        writer.WriteArrayHeader(0);
        writer.Flush();
        return Prefixed(body.WrittenSpan);
    }

    /// <summary>A cancel (<c>[5, {}, invocationId]</c>), length-prefixed.</summary>
    public static byte[] MessagePackCancel(string invocationId)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(3);
        writer.Write(5);
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Flush();
        return Prefixed(body.WrittenSpan);
    }

    private static byte[] Prefixed(ReadOnlySpan<byte> body)
    {
        var prefix = new List<byte>();
        var length = body.Length;
        do
        {
            var b = (byte)(length & 0x7f);
            length >>= 7;
            prefix.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);

        return [.. prefix, .. body];
    }
}
