using TenantRealtime.Identity.Internal;

namespace TenantRealtime.Broadcasting.Internal;

/// <summary>Event names become client-side handler names: keep them short and plain.</summary>
internal static class EventNameRules
{
    public const int MaxLength = 64;

    public static void ThrowIfInvalid(string? eventName, string paramName)
    {
        ArgumentNullException.ThrowIfNull(eventName, paramName);
        if (!IsValid(eventName))
        {
            throw new ArgumentException($"'{paramName}' must be {Ids.Form(MaxLength)}, starting with a letter.", paramName);
        }
    }

    private static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && char.IsAsciiLetter(name[0]) && TenantIds.IsValid(name, MaxLength);
}
