using System.Security.Claims;
using System.Text;

namespace TenantRealtime.Presence.Internal;

/// <summary>A user's display name for presence: the configured claim, made safe to show and to store.</summary>
internal static class DisplayNames
{
    /// <summary>Longer names are cut: a display name is for a list of faces, not a document.</summary>
    public const int MaxLength = 128;

    public static string? Of(ClaimsPrincipal? user, string? claimType)
    {
        if (claimType is null || user?.FindFirst(claimType)?.Value is not { } value)
        {
            return null;
        }

        // Control characters (line breaks included) never reach another user's page or a stored entry.
        var clean = new StringBuilder(Math.Min(value.Length, MaxLength));
        foreach (var c in value.AsSpan().Trim())
        {
            if (clean.Length == MaxLength)
            {
                break;
            }

            if (!char.IsControl(c))
            {
                clean.Append(c);
            }
        }

        // A cut may leave half of a surrogate pair behind.
        if (clean.Length > 0 && char.IsHighSurrogate(clean[^1]))
        {
            clean.Length--;
        }

        return clean.Length > 0 ? clean.ToString() : null;
    }
}
