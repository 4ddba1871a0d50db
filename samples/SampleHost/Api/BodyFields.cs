using System.Text.Json;
using System.Text.Json.Nodes;
using TenantRealtime;

namespace SampleHost.Api;

/// <summary>Typed, validated reads of a JSON object's fields; every problem is added to <see cref="FieldErrors"/>.</summary>
internal sealed class BodyFields(JsonObject body, FieldErrors errors)
{
    public FieldErrors Errors => errors;

    public bool Has(string name) => body.ContainsKey(name);

    public JsonNode? Raw(string name) => body[name];

    /// <summary>A string field: absent or null gives <see langword="null"/>; present values must be non-blank and short enough.</summary>
    public string? String(string name, bool required, int maxLength)
    {
        var node = body[name];
        if (node is null)
        {
            if (required)
            {
                errors.Add(name, $"'{name}' is required.");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(name, $"'{name}' must be a string.");
            return null;
        }

        var value = node.GetValue<string>().Trim();
        if (value.Length == 0 || value.Length > maxLength)
        {
            errors.Add(name, $"'{name}' must be 1 to {maxLength} characters.");
            return null;
        }

        return value;
    }

    /// <summary>
    /// An id field (organization, tenant, user, service): 1–64 characters of [A-Za-z0-9_.-]. Absent gives
    /// <see langword="null"/> (or an error when <paramref name="required"/>); present as JSON null is malformed, unless
    /// <paramref name="nullMeansNone"/> (a tenant id whose null says "no tenant"), since a null would otherwise pass
    /// as "not given" and fall back to a default the caller did not ask for.
    /// </summary>
    public string? Id(string name, bool required = false, bool nullMeansNone = false)
    {
        var node = body[name];
        if (node is null)
        {
            if (Has(name) && !nullMeansNone)
            {
                errors.Add(name, IdRules.Message(name));
            }
            else if (required)
            {
                errors.Add(name, $"'{name}' is required.");
            }

            return null;
        }

        var value = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        if (!TenantIds.IsValid(value))
        {
            errors.Add(name, IdRules.Message(name));
            return null;
        }

        return value;
    }

    public int? Integer(string name)
    {
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue(out int value) && value >= 0)
        {
            return value;
        }

        errors.Add(name, $"'{name}' must be a whole number from 0 to {int.MaxValue}.");
        return null;
    }

    public T? Enum<T>(string name, bool required = false)
        where T : struct, Enum
    {
        var node = body[name];
        if (node is null)
        {
            if (required)
            {
                errors.Add(name, $"'{name}' is required.");
            }

            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String && WireEnum<T>.TryParse(node.GetValue<string>(), out var value))
        {
            return value;
        }

        errors.Add(name, $"'{name}' must be one of {WireEnum<T>.NameList}.");
        return null;
    }

    /// <summary>An object of <c>{id: enum}</c> pairs, such as an incident's <c>serviceStatuses</c>.</summary>
    public Dictionary<string, T> EnumMap<T>(string name)
        where T : struct, Enum
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        var node = body[name];
        if (node is null)
        {
            return map;
        }

        if (node is not JsonObject entries)
        {
            errors.Add(name, $"'{name}' must be an object of {{id: status}} pairs.");
            return map;
        }

        foreach (var (key, value) in entries)
        {
            if (!TenantIds.IsValid(key))
            {
                errors.Add($"{name}.{key}", IdRules.Message("service id"));
            }
            else if (value?.GetValueKind() == JsonValueKind.String && WireEnum<T>.TryParse(value.GetValue<string>(), out var parsed))
            {
                map[key] = parsed;
            }
            else
            {
                errors.Add($"{name}.{key}", $"must be one of {WireEnum<T>.NameList}.");
            }
        }

        return map;
    }

    /// <summary>A merge-patch field that may be set to null (removed).</summary>
    public Optional<string?> NullableString(string name, int maxLength) =>
        !Has(name) ? Optional<string?>.Unset : Optional<string?>.Of(String(name, required: false, maxLength));

    /// <summary>A merge-patch field that may not be set to null (a string).</summary>
    public Optional<string> NotNull(string name, Func<string?> read) =>
        PresentAndNotNull(name) && read() is { } value ? Optional<string>.Of(value) : Optional<string>.Unset;

    /// <summary>A merge-patch field that may not be set to null (a number or an enum).</summary>
    public Optional<TValue> NotNull<TValue>(string name, Func<TValue?> read)
        where TValue : struct =>
        PresentAndNotNull(name) && read() is { } value ? Optional<TValue>.Of(value) : Optional<TValue>.Unset;

    private bool PresentAndNotNull(string name)
    {
        if (!Has(name))
        {
            return false;
        }

        if (body[name] is null)
        {
            errors.Add(name, $"'{name}' cannot be null.");
            return false;
        }

        return true;
    }
}
