using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TenantRealtime.Recovery;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Turns the app's object into a <see cref="StateValue"/> with the options of the hub's JSON protocol, so a value is
/// spelled as a live JSON broadcast's data is, and refuses one past <see cref="TenantRealtimeOptions.MaxStateValueBytes"/>.
/// </summary>
internal sealed class StateValueSerializer(IOptions<JsonHubProtocolOptions> json, IOptionsMonitor<TenantRealtimeOptions> options)
{
    public StateValue Serialize(object? data, string room, string key) => FromOwnJson(SerializeJson(data, room, key));

    /// <summary>The value's JSON, as the hub's JSON protocol writes it; refused past <see cref="TenantRealtimeOptions.MaxStateValueBytes"/>.</summary>
    public byte[] SerializeJson(object? data, string room, string key)
    {
        var bytes = data is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), json.Value.PayloadSerializerOptions);
        var max = RoomBounds.Of(options.CurrentValue, room).MaxStateValueBytes;
        if (bytes.Length > max)
        {
            throw new TenantRealtimeLimitExceededException(
                $"the value of '{key}' in {room} is {bytes.Length} bytes of JSON; MaxStateValueBytes allows {max}.");
        }

        return bytes;
    }

    /// <summary>
    /// A value from JSON another writer made (a store, a loader): checked to be one JSON value here, where a refusal has a
    /// caller, and read to plain values only when first sent.
    /// </summary>
    /// <exception cref="JsonException">The bytes are not one JSON value.</exception>
    public static StateValue FromJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Skip();
        if (reader.Read())
        {
            throw new JsonException("More than one JSON value.");
        }

        return new StateValue(json.ToArray());
    }

    /// <summary>A value from JSON this server wrote (<see cref="SerializeJson"/>), kept as it is.</summary>
    public static StateValue FromOwnJson(byte[] json) => new(json);

    /// <summary>JSON read back as maps, lists and primitives, which both hub protocols write.</summary>
    public static object? ToPlain(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return StoredEnvelopeSerializer.ToPlain(document.RootElement);
    }
}
