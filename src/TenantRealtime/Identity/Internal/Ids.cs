using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TenantRealtime.Identity.Internal;

/// <summary>Throwing counterparts of <see cref="TenantIds.IsValid"/> for library entry points.</summary>
internal static class Ids
{
    public static void ThrowIfInvalid([NotNull] string? id, int maxLength, [CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        if (!TenantIds.IsValid(id, maxLength))
        {
            throw new ArgumentException($"'{paramName}' must be 1 to {maxLength} characters of [A-Za-z0-9_.-].", paramName);
        }
    }
}
