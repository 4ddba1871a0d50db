using System.Text.Json;
using TenantRealtime.Errors.Internal;

namespace TenantRealtime.Hubs;

/// <summary>
/// A hub argument bound loosely (as <see cref="object"/>) so that a wrong-typed value reaches the hub and becomes
/// <c>invalid-argument</c>, instead of SignalR's uncoded binding error. Reads a JSON object (JSON protocol) or a
/// map (MessagePack protocol) alike, so the contract does not depend on the protocol.
/// </summary>
internal readonly struct HubArgument
{
    private readonly Dictionary<string, object?> _fields;

    private HubArgument(Dictionary<string, object?> fields) => _fields = fields;

    /// <summary>Reads <paramref name="value"/> as an object with string fields, or throws <c>invalid-argument</c>.</summary>
    public static HubArgument Parse(object? value, string method, string shape)
    {
        var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } json:
                foreach (var property in json.EnumerateObject())
                {
                    Add(fields, property.Name, property.Value, method);
                }

                break;
            case IDictionary<object, object?> map:
                foreach (var (key, item) in map)
                {
                    Add(fields, key as string ?? throw HubErrors.InvalidArgument($"{method} expects an object like {shape}."), item, method);
                }

                break;
            case IDictionary<string, object?> map:
                foreach (var (key, item) in map)
                {
                    Add(fields, key, item, method);
                }

                break;
            default:
                throw HubErrors.InvalidArgument($"{method} expects an object like {shape}.");
        }

        return new HubArgument(fields);
    }

    /// <summary>Returns the field as a string, null when absent or null, or throws <c>invalid-argument</c> for another type.</summary>
    public string? GetString(string name)
    {
        if (!_fields.TryGetValue(name, out var value))
        {
            return null;
        }

        return value switch
        {
            null => null,
            string s => s,
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
            _ => throw HubErrors.InvalidArgument($"'{name}' must be a string."),
        };
    }

    /// <summary>Returns the field as a list of objects, or throws <c>invalid-argument</c>.</summary>
    public IReadOnlyList<HubArgument> GetObjects(string name, string method, string shape, int max)
    {
        var items = _fields.TryGetValue(name, out var value) ? value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } json => json.EnumerateArray().Select(e => (object?)e).ToList(),
            object?[] array => array.ToList(),
            _ => null,
        }
        : null;
        if (items is null)
        {
            throw HubErrors.InvalidArgument($"'{name}' must be an array.");
        }

        if (items.Count > max)
        {
            throw HubErrors.InvalidArgument($"'{name}' may hold at most {max} items.");
        }

        return [.. items.Select(item => Parse(item, method, shape))];
    }

    /// <summary>Returns the field as a whole number, or throws <c>invalid-argument</c> when absent or of another type.</summary>
    public long GetInt64(string name)
    {
        _fields.TryGetValue(name, out var value);
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Number } json when json.TryGetInt64(out var number) => number,
            sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            ulong number when number <= long.MaxValue => (long)number,
            _ => throw HubErrors.InvalidArgument($"'{name}' must be a whole number."),
        };
    }

    private static void Add(Dictionary<string, object?> fields, string name, object? value, string method)
    {
        // Two spellings of one field would let a client smuggle a second value past a check.
        if (!fields.TryAdd(name, value))
        {
            throw HubErrors.InvalidArgument($"{method} received the field '{name}' more than once.");
        }
    }
}
