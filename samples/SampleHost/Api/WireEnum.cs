using System.Reflection;
using System.Text.Json.Serialization;

namespace SampleHost.Api;

/// <summary>
/// Parses and names enum values by their <see cref="JsonStringEnumMemberNameAttribute"/> (snake_case, as in
/// Statuspage), so the serializer and the validators share one spelling.
/// </summary>
internal static class WireEnum<T>
    where T : struct, Enum
{
    private static readonly Dictionary<string, T> ByName = typeof(T)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToDictionary(
            f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name,
            f => (T)f.GetValue(null)!,
            StringComparer.Ordinal);

    private static readonly Dictionary<T, string> ByValue = ByName.ToDictionary(e => e.Value, e => e.Key);

    public static string NameList { get; } = string.Join(", ", ByName.Keys);

    public static bool TryParse(string name, out T value) => ByName.TryGetValue(name, out value);

    public static string Name(T value) => ByValue[value];
}
