using TenantRealtime;

namespace SampleHost.Api;

/// <summary>The wire contract's id format, as the library defines it.</summary>
internal static class IdRules
{
    public static string Message(string name) =>
        $"'{name}' must be 1 to {TenantIds.DefaultMaxLength} characters of [A-Za-z0-9_.-].";

    /// <summary>Validates an id taken from the route; a malformed one is a 400, not a 404.</summary>
    public static IResult? CheckRoute(string id, string name = "id") =>
        TenantIds.IsValid(id) ? null : Problems.Validation(name, Message(name));

    /// <summary>A new resource id: short, unguessable, and valid under the contract's id format.</summary>
    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
