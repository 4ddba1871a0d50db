using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Globalization;
using System.Text.Json;
using Fields = TenantRealtime.TenantRealtimeWire.EnvelopeFields;

namespace TenantRealtime.Recovery;

/// <summary>
/// An envelope as a history entry keeps it (in memory and in Redis alike): its fields as camelCase JSON, without
/// <c>room</c>, <c>seq</c> and <c>epoch</c> (the history holds those). Read back, <c>data</c> becomes plain
/// dictionaries, lists and primitives, never <see cref="JsonElement"/>, so SignalR's MessagePack protocol writes
/// maps and arrays just as its JSON protocol writes objects and arrays.
/// </summary>
internal static class StoredEnvelopeSerializer
{
    // The envelope's names, encoded once (as SignalR's JsonHubProtocol does with its property names).
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode(Fields.Type);
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode(Fields.Data);
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode(Fields.Timestamp);
    private static readonly JsonEncodedText ScopeName = JsonEncodedText.Encode(Fields.Scope);
    private static readonly JsonEncodedText OrganizationIdName = JsonEncodedText.Encode(Fields.OrganizationId);
    private static readonly JsonEncodedText TenantIdName = JsonEncodedText.Encode(Fields.TenantId);
    private static readonly JsonEncodedText UserIdName = JsonEncodedText.Encode(Fields.UserId);
    private static readonly JsonEncodedText TopicName = JsonEncodedText.Encode(Fields.Topic);
    private static readonly byte[] RoomField = Encoding.UTF8.GetBytes($",\"{Fields.Room}\":");
    private static readonly byte[] SeqField = Encoding.UTF8.GetBytes($",\"{Fields.Seq}\":");
    private static readonly byte[] EpochField = Encoding.UTF8.GetBytes($",\"{Fields.Epoch}\":");

    // One writer per thread: a broadcast is serialized and copied into the history before the thread moves on.
    [ThreadStatic]
    private static Scratch? t_scratch;

    // Apart from t_scratch, so a live envelope can be written while a stored one is still read.
    [ThreadStatic]
    private static Scratch? t_live;

    /// <summary>The stored JSON of <paramref name="broadcast"/> as a new array.</summary>
    public static byte[] Serialize(OutgoingBroadcast broadcast, JsonSerializerOptions dataOptions) =>
        SerializeToScratch(broadcast, dataOptions).ToArray();

    /// <summary>
    /// The stored JSON of <paramref name="broadcast"/> in this thread's buffer: valid until the thread's next call, so
    /// copy it before anything else can run on the thread.
    /// </summary>
    public static ReadOnlySpan<byte> SerializeToScratch(OutgoingBroadcast broadcast, JsonSerializerOptions dataOptions)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        Write(scratch.Writer, broadcast, dataOptions);
        scratch.Writer.Flush();

        // A rare huge payload must not pin its buffer to the thread for good.
        var written = scratch.Buffer.WrittenSpan;
        if (scratch.Buffer.Capacity > Scratch.MaxKeptCapacity)
        {
            t_scratch = null;
        }

        return written;
    }

    /// <summary>
    /// The live envelope's JSON, as SignalR's JSON protocol writes it with its default camelCase names, from a stored
    /// envelope and its position: the stored object with <c>room</c>, <c>seq</c> and <c>epoch</c> added, without
    /// reading its data into objects. In this thread's buffer, valid until the thread's next call. False when
    /// <paramref name="stored"/> is not a JSON object with at least one member (anyone who can write to Redis can
    /// publish, so it is checked, without allocating).
    /// </summary>
    public static bool TryWriteLiveToScratch(ReadOnlySpan<byte> stored, string room, long seq, string epoch, out ReadOnlySpan<byte> live)
    {
        live = default;
        if (!IsObject(stored, out var closingBrace))
        {
            return false;
        }

        var scratch = t_live ??= new Scratch();
        var buffer = scratch.Buffer;
        buffer.ResetWrittenCount();
        buffer.Write(stored[..closingBrace]);
        buffer.Write(RoomField);
        WriteString(scratch, room);
        buffer.Write(SeqField);
        Utf8Formatter.TryFormat(seq, buffer.GetSpan(20), out var digits);
        buffer.Advance(digits);
        buffer.Write(EpochField);
        WriteString(scratch, epoch);
        buffer.Write("}"u8);
        live = buffer.WrittenSpan;
        if (buffer.Capacity > Scratch.MaxKeptCapacity)
        {
            t_live = null;
        }

        return true;
    }

    public static TenantEnvelope Deserialize(ReadOnlyMemory<byte> json, string? room, long? seq, string? epoch)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new TenantEnvelope(
            String(root, Fields.Type) ?? "",
            root.TryGetProperty(Fields.Data, out var data) ? ToPlain(data) : null,
            String(root, Fields.Timestamp) ?? "",
            String(root, Fields.Scope) ?? "",
            String(root, Fields.OrganizationId),
            String(root, Fields.TenantId),
            String(root, Fields.UserId))
        {
            Room = room,
            Seq = seq,
            Epoch = epoch,
            Topic = String(root, Fields.Topic),
        };
    }

    /// <summary>JSON to the values both hub protocols serialize naturally: maps, arrays, strings, numbers, booleans, null.</summary>
    public static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToDictionary(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        // Boxed per branch: a plain conditional would make every integer a double.
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static void Write(Utf8JsonWriter writer, OutgoingBroadcast broadcast, JsonSerializerOptions dataOptions)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, broadcast.Type);
        writer.WritePropertyName(DataName);
        if (broadcast.Data is { } data)
        {
            // The options SignalR's JSON protocol uses, so a replay spells data as a live JSON client saw it.
            JsonSerializer.Serialize(writer, data, data.GetType(), dataOptions);
        }
        else
        {
            writer.WriteNullValue();
        }

        // The live envelope's spelling ("O"); Utf8JsonWriter's own DateTime format trims trailing zeros.
        Span<char> timestamp = stackalloc char[40];
        broadcast.Timestamp.UtcDateTime.TryFormat(timestamp, out var length, "O", CultureInfo.InvariantCulture);
        writer.WriteString(TimestampName, timestamp[..length]);
        writer.WriteString(ScopeName, broadcast.Scope);
        WriteOptional(writer, OrganizationIdName, broadcast.OrganizationId);
        WriteOptional(writer, TenantIdName, broadcast.TenantId);
        WriteOptional(writer, UserIdName, broadcast.UserId);
        WriteOptional(writer, TopicName, broadcast.Topic);
        writer.WriteEndObject();
    }

    private static Dictionary<string, object?> ToDictionary(JsonElement element)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = ToPlain(property.Value);
        }

        return map;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Whether <paramref name="json"/> is one JSON object with a member; where its closing brace is.</summary>
    private static bool IsObject(ReadOnlySpan<byte> json, out int closingBrace)
    {
        closingBrace = -1;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                return false;
            }

            while (reader.CurrentDepth > 0 || reader.TokenType != JsonTokenType.EndObject)
            {
                if (!reader.Read())
                {
                    return false;
                }
            }

            closingBrace = (int)reader.TokenStartIndex;
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A JSON string value (quoted, escaped) at the end of the scratch buffer.</summary>
    private static void WriteString(Scratch scratch, string value)
    {
        scratch.Writer.Reset(scratch.Buffer);
        scratch.Writer.WriteStringValue(value);
        scratch.Writer.Flush();
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private sealed class Scratch
    {
        public const int MaxKeptCapacity = 64 * 1024;

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        // Validation off: the writer only ever writes what this class writes, and checks cost every broadcast.
        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });
    }
}
