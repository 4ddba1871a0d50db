using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TenantRealtime.Identity.Internal;

/// <summary>The rule of <see cref="TenantIds.IsValid"/> as a sentence, and its throwing counterpart for library entry points.</summary>
internal static class Ids
{
    /// <summary>The form of a well-formed id, as every sentence about one spells it.</summary>
    public static string Form(int maxLength) => $"1 to {maxLength} characters of [A-Za-z0-9_.-]";

    /// <summary>What a well-formed id named <paramref name="name"/> is: the one sentence every refusal of a malformed id uses.</summary>
    public static string Rule(string? name, int maxLength) => $"'{name}' must be {Form(maxLength)}.";

    public static void ThrowIfInvalid([NotNull] string? id, int maxLength, [CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        if (!TenantIds.IsValid(id, maxLength))
        {
            throw new ArgumentException(Rule(paramName, maxLength), paramName);
        }
    }
}
