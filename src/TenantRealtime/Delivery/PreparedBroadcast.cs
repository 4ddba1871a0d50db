using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace TenantRealtime.Delivery;

/// <summary>
/// A broadcast whose JSON protocol frame is written from its envelope's JSON bytes, as another server or the history
/// already holds them: JSON connections get those bytes, with no object graph to build and serialize again. A
/// connection of another protocol (MessagePack) gets the envelope object, made and serialized only when such a
/// connection is among the recipients.
/// </summary>
internal sealed class PreparedBroadcast
{
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText TargetName = JsonEncodedText.Encode("target");
    private static readonly JsonEncodedText ArgumentsName = JsonEncodedText.Encode("arguments");

    private readonly SerializedHubMessage _json;
    private readonly string _eventName;
    private readonly object _state;
    private readonly Func<object, TenantEnvelope> _envelope;
    private SerializedHubMessage? _other;

    /// <summary>Writes the frame of an invocation of <paramref name="eventName"/> with <paramref name="envelopeJson"/> as its argument.</summary>
    /// <param name="eventName">The client method.</param>
    /// <param name="envelopeJson">The envelope as the JSON protocol would write it (one JSON object; not validated here).</param>
    /// <param name="room">The room of a numbered broadcast, or <see langword="null"/>.</param>
    /// <param name="seq">Its seq, or 0.</param>
    /// <param name="state">What <paramref name="envelope"/> makes the envelope from.</param>
    /// <param name="envelope">Makes the envelope object, for a connection of another protocol (static, so nothing is captured per broadcast).</param>
    public PreparedBroadcast(string eventName, ReadOnlySpan<byte> envelopeJson, string? room, long seq, object state, Func<object, TenantEnvelope> envelope)
    {
        _eventName = eventName;
        _state = state;
        _envelope = envelope;
        Room = room;
        Seq = seq;
        _json = new SerializedHubMessage([new SerializedMessage(Protocol.Name, Frame(eventName, envelopeJson))]);
    }

    /// <summary>The JSON hub protocol whose frames this writes.</summary>
    public static JsonHubProtocol Protocol { get; } = new();

    public string? Room { get; }

    public long Seq { get; }

    /// <summary>The message for a connection of <paramref name="protocol"/>.</summary>
    public SerializedHubMessage For(IHubProtocol protocol) =>
        protocol is JsonHubProtocol ? _json : (_other ??= new SerializedHubMessage(new InvocationMessage(_eventName, [_envelope(_state)])));

    /// <summary><c>{"type":1,"target":…,"arguments":[envelope]}</c> and the record separator, as SignalR's JSON protocol writes an invocation.</summary>
    private static byte[] Frame(string eventName, ReadOnlySpan<byte> envelopeJson)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        var writer = scratch.Writer;
        writer.WriteStartObject();
        writer.WriteNumber(TypeName, HubProtocolConstants.InvocationMessageType);
        writer.WriteString(TargetName, eventName);
        writer.WriteStartArray(ArgumentsName);
        writer.WriteRawValue(envelopeJson, skipInputValidation: true);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();

        var frame = new byte[scratch.Buffer.WrittenCount + 1];
        scratch.Buffer.WrittenSpan.CopyTo(frame);
        frame[^1] = 0x1e;

        // A rare huge envelope must not pin its buffer to the thread for good.
        if (scratch.Buffer.Capacity > Scratch.MaxKeptCapacity)
        {
            t_scratch = null;
        }

        return frame;
    }

    // One writer per thread: a frame is written and copied out before the thread moves on.
    [ThreadStatic]
    private static Scratch? t_scratch;

    private sealed class Scratch
    {
        public const int MaxKeptCapacity = 64 * 1024;

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });
    }
}
