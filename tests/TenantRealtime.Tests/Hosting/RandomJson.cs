using System.Text;
using System.Text.Json.Nodes;

namespace TenantRealtime.Tests.Hosting;

/// <summary>Seeded random JSON values: wrong types, nulls, huge strings, deep nesting, unicode and control characters.</summary>
internal sealed class RandomJson(int seed)
{
    private static readonly string[] FieldNames = ["organizationId", "userId", "tenantId", "userRole", "OrganizationId", "room", "scope", "topic", "topics", "", "__proto__", "organizationId\u0000"];

    private readonly Random _random = new(seed);

    public JsonNode? Next() => Value(depth: 0);

    private JsonNode? Value(int depth) => _random.Next(depth > 50 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.Next(3) switch { 0 => _random.NextInt64(), 1 => _random.NextDouble() * 1e300, _ => -0.0 }),
        3 => JsonValue.Create(String()),
        4 => JsonValue.Create(Id()),
        5 => Object(depth, fieldsLikeTheContract: true),
        6 => Array(depth),
        7 => Object(depth, fieldsLikeTheContract: false),
        _ => Deep(depth),
    };

    private JsonObject Object(int depth, bool fieldsLikeTheContract)
    {
        var result = new JsonObject();
        var count = _random.Next(5);
        for (var i = 0; i < count; i++)
        {
            var name = fieldsLikeTheContract ? FieldNames[_random.Next(FieldNames.Length)] : String(maxLength: 16);
            result[name] = Value(depth + 1);
        }

        return result;
    }

    private JsonArray Array(int depth)
    {
        var result = new JsonArray();
        var count = _random.Next(4);
        for (var i = 0; i < count; i++)
        {
            result.Add(Value(depth + 1));
        }

        return result;
    }

    // Nested to just under the protocol's depth limit (64, counting the invocation envelope).
    private JsonNode Deep(int depth)
    {
        JsonNode node = JsonValue.Create("bottom");
        var levels = _random.Next(1, Math.Max(2, 58 - depth));
        for (var i = 0; i < levels; i++)
        {
            node = _random.Next(2) == 0 ? new JsonArray(node) : new JsonObject { ["organizationId"] = node };
        }

        return node;
    }

    private string Id() => _random.Next(6) switch
    {
        0 => "org-b",
        1 => "org-a:t1",
        2 => new string('a', _random.Next(60, 70)),
        3 => "t1",
        4 => "alice",
        _ => String(maxLength: 8),
    };

    private string String(int maxLength = 64)
    {
        var length = _random.Next(10) == 0 ? _random.Next(1000, 8000) : _random.Next(maxLength + 1);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(_random.Next(5) switch
            {
                0 => (char)_random.Next(0, 32),
                1 => (char)_random.Next(0x80, 0xD7FF),
                2 => ':',
                _ => (char)_random.Next(32, 127),
            });
        }

        return builder.ToString();
    }
}
