using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using TenantRealtime.Errors.Internal;

namespace TenantRealtime.Hubs;

/// <summary>
/// A hub argument bound loosely (as <see cref="object"/>) so that a wrong-typed value reaches the hub and becomes
/// <c>invalid-argument</c>, instead of SignalR's uncoded binding error. Reads a JSON object (JSON protocol) or a
/// map (MessagePack protocol) alike, so the contract does not depend on the protocol.
/// </summary>
/// <remarks>
/// The whole value is decoded once, up front, into plain values (null, bool, long, double, string, lists and
/// case-insensitive maps): whatever the protocol's reader let through but cannot be read as JSON data (undecodable
/// text in a value or a field name, a number no double holds, binary or extension values, nesting deeper than
/// <see cref="MaxDepth"/>) is refused there, naming where it is, so no getter can throw anything but the refusal.
/// </remarks>
internal readonly struct HubArgument
{
    /// <summary>
    /// The deepest nesting an argument may have, itself counting as 1. The contract's deepest is 3 (<c>Resume</c>);
    /// SignalR's readers stop at 64 (JSON, counting the invocation around the argument) and 500 (MessagePack), so
    /// every depth between is answered here, and the walk's recursion stays shallow.
    /// </summary>
    public const int MaxDepth = 32;

    // Paths in sentences are echoed to the client and logged: long hostile field names are cut.
    private const int MaxPathLength = 100;

    private readonly Dictionary<string, object?> _fields;
    private readonly string _path;
    private readonly Refusal _refuse;

    private HubArgument(Dictionary<string, object?> fields, string path, Refusal refuse) => (_fields, _path, _refuse) = (fields, path, refuse);

    /// <summary>Builds the exception of a refused argument from its sentence; the hub's one logs and counts it.</summary>
    public delegate HubException Refusal(string sentence);

    /// <summary>Reads <paramref name="value"/> as an object, or throws <c>invalid-argument</c> (built by <paramref name="refuse"/>).</summary>
    public static HubArgument Parse(object? value, string method, string shape, Refusal? refuse = null)
    {
        refuse ??= HubErrors.InvalidArgument;
        if (value is not (JsonElement { ValueKind: JsonValueKind.Object } or IDictionary<object, object?> or IDictionary<string, object?>))
        {
            throw refuse($"{method} expects an object like {shape}.");
        }

        var decoded = (Dictionary<string, object?>)new Decoder(method, refuse).Decode(value, depth: 1)!;
        return new HubArgument(decoded, path: "", refuse);
    }

    /// <summary>Returns the field as a string, null when absent or null, or throws <c>invalid-argument</c> for another type.</summary>
    public string? GetString(string name) => Field(name) switch
    {
        null => null,
        string s => s,
        _ => throw _refuse($"'{Name(name)}' must be a string."),
    };

    /// <summary>Whether the field is present and not null.</summary>
    public bool Has(string name) => Field(name) is not null;

    /// <summary>Returns the field as a list of objects, or throws <c>invalid-argument</c>.</summary>
    public IReadOnlyList<HubArgument> GetObjects(string name, string method, string shape, int max)
    {
        if (Field(name) is not List<object?> items)
        {
            throw _refuse($"'{Name(name)}' must be an array.");
        }

        if (items.Count > max)
        {
            throw _refuse($"'{Name(name)}' may hold at most {max} items.");
        }

        var refuse = _refuse;
        var path = Name(name);
        return [.. items.Select((item, index) => item is Dictionary<string, object?> fields
            ? new HubArgument(fields, ArgumentPath.Index(path, index), refuse)
            : throw refuse($"{method} expects an object like {shape}."))];
    }

    /// <summary>Returns the field as a whole number, or throws <c>invalid-argument</c> when absent or of another type.</summary>
    public long GetInt64(string name) => Field(name) is long number ? number : throw _refuse($"'{Name(name)}' must be a whole number.");

    private object? Field(string name) => _fields.GetValueOrDefault(name);

    private string Name(string name) => ArgumentPath.Join(_path, name);

    /// <summary>Spells where a value is: <c>positions[0].room</c>.</summary>
    private static class ArgumentPath
    {
        public static string Join(string parent, string name) => Cut(parent.Length == 0 ? name : $"{parent}.{name}");

        public static string Index(string parent, int index) => Cut($"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]");

        private static string Cut(string path) => path.Length <= MaxPathLength ? path : string.Concat(path.AsSpan(0, MaxPathLength - 1), "…");
    }

    /// <summary>One walk over a value as the protocol's reader bound it.</summary>
    private sealed class Decoder(string method, Refusal refuse)
    {
        private const string NotText = "is not valid text (it holds a lone surrogate or invalid UTF-8).";

        public object? Decode(object? value, int depth, string path = "")
        {
            if (depth > MaxDepth)
            {
                throw refuse($"'{path}' is nested deeper than {MaxDepth} levels.");
            }

            return value switch
            {
                null => null,
                JsonElement json => Json(json, depth, path),
                string s => IsText(s) ? s : throw refuse($"'{path}' {NotText}"),
                bool b => b,
                sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                ulong number => number <= long.MaxValue ? (object)(long)number : (double)number,
                float or double => Convert.ToDouble(value, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : throw OutOfRange(path),
                IDictionary<object, object?> map => Object(map.Select(p => (p.Key as string, p.Value)), depth, path),
                IDictionary<string, object?> map => Object(map.Select(p => ((string?)p.Key, p.Value)), depth, path),
                object?[] array => Array(array, depth, path),
                _ => throw refuse($"'{path}' must be null, a boolean, a number, a string, an array or an object."),
            };
        }

        private object? Json(JsonElement json, int depth, string path)
        {
            switch (json.ValueKind)
            {
                case JsonValueKind.Object:
                    return Object(json.EnumerateObject().Select(p => ((string?)NameOf(p, path), (object?)p.Value)), depth, path);
                case JsonValueKind.Array:
                    return Array(json.EnumerateArray().Select(e => (object?)e), depth, path);
                case JsonValueKind.String:
                    try
                    {
                        return json.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        // System.Text.Json reads escapes and UTF-8 only here (a lone "\ud800", bytes of a binary frame).
                        throw refuse($"'{path}' {NotText}");
                    }

                case JsonValueKind.Number:
                    return json.TryGetInt64(out var whole) ? (object)whole : json.TryGetDouble(out var number) && double.IsFinite(number) ? number : throw OutOfRange(path);
                case JsonValueKind.True or JsonValueKind.False:
                    return json.GetBoolean();
                default:
                    return null;
            }
        }

        private string NameOf(JsonProperty property, string path)
        {
            try
            {
                return property.Name;
            }
            catch (InvalidOperationException)
            {
                throw refuse($"{Owner(path)} a field name that {NotText}");
            }
        }

        private Dictionary<string, object?> Object(IEnumerable<(string? Name, object? Value)> fields, int depth, string path)
        {
            var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in fields)
            {
                if (name is null)
                {
                    throw refuse($"{Owner(path)} a field name that is not a string.");
                }

                if (!IsText(name))
                {
                    throw refuse($"{Owner(path)} a field name that {NotText}");
                }

                // Two spellings of one field would let a client smuggle a second value past a check.
                if (!result.TryAdd(name, Decode(value, depth + 1, ArgumentPath.Join(path, name))))
                {
                    throw refuse($"{method} received the field '{ArgumentPath.Join(path, name)}' more than once.");
                }
            }

            return result;
        }

        private List<object?> Array(IEnumerable<object?> items, int depth, string path)
        {
            var result = new List<object?>();
            foreach (var item in items)
            {
                result.Add(Decode(item, depth + 1, ArgumentPath.Index(path, result.Count)));
            }

            return result;
        }

        private string Owner(string path) => path.Length == 0 ? $"{method} received" : $"'{path}' holds";

        private HubException OutOfRange(string path) => refuse($"'{path}' is a number out of range.");

        /// <summary>Whether <paramref name="s"/> is well-formed UTF-16 (every surrogate paired), as text that can be encoded.</summary>
        private static bool IsText(string s)
        {
            if (s.AsSpan().IndexOfAnyInRange('\ud800', '\udfff') < 0)
            {
                return true;
            }

            for (var i = 0; i < s.Length;)
            {
                if (Rune.DecodeFromUtf16(s.AsSpan(i), out _, out var used) != System.Buffers.OperationStatus.Done)
                {
                    return false;
                }

                i += used;
            }

            return true;
        }
    }
}
