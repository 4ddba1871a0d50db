using System.Text.Json;

namespace TenantRealtime.Redis.Internal.Recovery;

/// <summary>
/// An envelope as a history entry keeps it: its fields as camelCase JSON, without <c>room</c>, <c>seq</c> and
/// <c>epoch</c> (the key, the entry id and the room's hash hold those). Read back, <c>data</c> becomes plain
/// dictionaries, lists and primitives, never <see cref="JsonElement"/>, so SignalR's MessagePack protocol writes
/// maps and arrays just as its JSON protocol writes objects and arrays.
/// </summary>
internal static class StoredEnvelope
{
    public static byte[] Serialize(TenantEnvelope envelope, JsonSerializerOptions dataOptions)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", envelope.Type);
            writer.WritePropertyName("data");
            if (envelope.Data is { } data)
            {
                // The options SignalR's JSON protocol uses, so a replay spells data as a live JSON client saw it.
                JsonSerializer.Serialize(writer, data, data.GetType(), dataOptions);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteString("timestamp", envelope.Timestamp);
            writer.WriteString("scope", envelope.Scope);
            WriteOptional(writer, "organizationId", envelope.OrganizationId);
            WriteOptional(writer, "tenantId", envelope.TenantId);
            WriteOptional(writer, "userId", envelope.UserId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static TenantEnvelope Deserialize(ReadOnlyMemory<byte> json, string room, long seq, string epoch)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new TenantEnvelope(
            String(root, "type") ?? "",
            root.TryGetProperty("data", out var data) ? ToPlain(data) : null,
            String(root, "timestamp") ?? "",
            String(root, "scope") ?? "",
            String(root, "organizationId"),
            String(root, "tenantId"),
            String(root, "userId"))
        {
            Room = room,
            Seq = seq,
            Epoch = epoch,
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

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
