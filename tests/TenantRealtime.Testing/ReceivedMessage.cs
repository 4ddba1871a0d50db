using System.Text.Json;

namespace TenantRealtime.Testing;

/// <summary>
/// An event as it arrived on the wire, reduced to protocol-neutral fields: a JSON object and a MessagePack map
/// both become a string-keyed dictionary, so assertions check the actual wire names (camelCase).
/// </summary>
public sealed record ReceivedMessage(string EventName, IReadOnlyDictionary<string, object?> Fields)
{
    /// <summary>Gets when the client handed the event to its handler (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public long ReceivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public string? String(string name) => Fields.TryGetValue(name, out var value) ? value as string : null;

    public object? this[string name] => Fields.TryGetValue(name, out var value) ? value : null;

    public static ReceivedMessage From(string eventName, object? payload) => new(eventName, ToDictionary(payload));

    internal static IReadOnlyDictionary<string, object?> ToDictionary(object? payload) => Normalize(payload) as IReadOnlyDictionary<string, object?>
        ?? throw new InvalidOperationException($"Expected an object payload, got {payload?.GetType().Name ?? "null"}.");

    /// <summary>JsonElement or MessagePack values to plain .NET values: dictionaries, lists, strings, longs, doubles, bools.</summary>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        JsonElement json => NormalizeJson(json),
        IDictionary<object, object?> map => map.ToDictionary(pair => (string)pair.Key, pair => Normalize(pair.Value)),
        string s => s,
        byte or sbyte or short or ushort or int or uint or long => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        object[] items => items.Select(Normalize).ToList(),
        _ => value,
    };

    private static object? NormalizeJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject().ToDictionary(p => p.Name, p => NormalizeJson(p.Value)),
        JsonValueKind.Array => json.EnumerateArray().Select(NormalizeJson).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => json.TryGetInt64(out var l) ? (object)l : json.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
